import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { checkAccess, openMask } from '../permissions.js';
import type { Attr, Caller, Ino } from '../types.js';
import { destroyInode, mustGetInode } from './inode-records.js';

const O_ACCMODE = 3;
const W_OK = 2;

/** open(2) permission check; the inode stays alive until the matching release. */
export async function open(ctx: MetaContext, caller: Caller, ino: Ino, flags: number): Promise<Attr> {
  const attr = await ctx.engine.read((tx) => mustGetInode(tx, ino, 'open'));
  if (attr.type === 'dir' && (flags & O_ACCMODE) !== 0) throw new FsError('EISDIR', { syscall: 'open', ino });
  if (attr.type === 'symlink') throw new FsError('ELOOP', { syscall: 'open', ino });
  const mask = openMask(flags);
  if (attr.type === 'dir') checkAccess(caller, attr, mask & ~W_OK, 'open');
  else checkAccess(caller, attr, mask, 'open');
  ctx.openFiles.add(ino);
  return attr;
}

/** Ends one open; the last release of an unlinked inode deletes it. */
export async function release(ctx: MetaContext, ino: Ino): Promise<void> {
  if (!ctx.openFiles.remove(ino)) return;
  await ctx.engine.txn(async (tx) => {
    const attr = await tx.getInode(ino);
    if (!attr || attr.nlink > 0) return;
    await tx.deleteSustained(ctx.session, ino);
    await destroyInode(tx, attr);
  });
}
