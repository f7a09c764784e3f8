import { FsError } from '../../errors/index.js';
import type { EngineTx } from '../engine.js';
import { checkSearch } from '../permissions.js';
import type { Attr, Caller, Ino } from '../types.js';
import { mustGetInode } from './inode-records.js';

/** The inode `name` names in `parent`; `.` and `..` resolve without an entry. */
export async function lookupIn(tx: EngineTx, caller: Caller, parent: Ino, name: Buffer): Promise<Attr> {
  const dir = await mustGetInode(tx, parent, 'lookup');
  checkSearch(caller, dir, 'lookup');
  if (name.length === 1 && name[0] === 0x2e) return dir;
  if (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e) {
    return dir.parent ? mustGetInode(tx, dir.parent, 'lookup') : dir;
  }
  const edge = await tx.getEdge(parent, name);
  if (!edge) throw new FsError('ENOENT', { syscall: 'lookup', path: name.toString() });
  return mustGetInode(tx, edge.ino, 'lookup');
}
