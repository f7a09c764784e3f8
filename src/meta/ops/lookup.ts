import { FsError } from '../../errors/index.js';
import type { EngineTx } from '../engine.js';
import { isDotName } from '../names.js';
import { checkSearch } from '../permissions.js';
import type { Attr, Caller, Ino } from '../types.js';
import { type EntryReader, mustGetInode, readEntry } from './inode-records.js';

/** The inode `name` names in `parent`; `.` and `..` resolve without an entry. */
export async function lookupIn(tx: EngineTx, caller: Caller, parent: Ino, name: Buffer): Promise<Attr> {
  const attr = await findIn(tx, caller, parent, name);
  if (!attr) throw new FsError('ENOENT', { syscall: 'lookup', path: name.toString() });
  return attr;
}

/** As lookupIn, but undefined when `parent` has no entry `name` (the search permission still applies). */
export async function findIn(tx: EntryReader, caller: Caller, parent: Ino, name: Buffer): Promise<Attr | undefined> {
  if (isDotName(name)) {
    const dir = await mustGetInode(tx, parent, 'lookup');
    checkSearch(caller, dir, 'lookup');
    if (name.length === 1) return dir;
    return dir.parent ? mustGetInode(tx, dir.parent, 'lookup') : dir;
  }
  const { dir, entry } = await readEntry(tx, { parent, name }, 'lookup');
  checkSearch(caller, dir, 'lookup');
  return entry?.attr;
}
