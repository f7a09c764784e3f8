import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { TxnOptions } from '../engine.js';
import { isDotName } from '../names.js';
import { checkModifyDir, checkSticky } from '../permissions.js';
import { type Caller, type Ino, TRASH_INO } from '../types.js';
import { destroyInode, dropLink, readEntry, touchDir } from './inode-records.js';
import { chargeQuotas, dropDirQuota } from '../space/dir-quotas.js';

/**
 * What an unlink may offer the engine instead of reading (TxnOptions.assume, assumeEntry): the
 * directory and the entry's inode as this client last committed or read them, that inode open
 * nowhere (not here, and the commit's guard checks that no session's open record names it). On
 * PostgreSQL an unlink then reads nothing and commits in one round trip.
 */
function assumedEntry(ctx: MetaContext, at: { parent: Ino; name: Buffer }): TxnOptions | undefined {
  const lately = (ino: Ino) => ctx.recent.get(ino, ctx.recent.lifetimeMs)?.attr ?? ctx.seen.attr(ino);
  const dir = lately(at.parent);
  const ino = dir && ctx.seen.entry(at.parent, at.name);
  if (ino === undefined || ctx.openFiles.isOpen(ino) || ctx.recent.removed(ino)) return undefined;
  const attr = lately(ino);
  return attr && { assume: dir, assumeEntry: { name: at.name, attr } };
}

/** unlink(2): removes a non-directory name. */
export async function unlink(ctx: MetaContext, caller: Caller, at: { parent: Ino; name: Buffer }): Promise<void> {
  const path = at.name.toString();
  await ctx.engine.txn(async (tx) => {
    const { dir, entry } = await readEntry(tx, at, 'unlink');
    checkModifyDir(caller, dir, 'unlink');
    if (isDotName(at.name)) throw new FsError('EISDIR', { syscall: 'unlink', path });
    if (!entry) throw new FsError('ENOENT', { syscall: 'unlink', path });
    const victim = entry.attr;
    if (victim.type === 'dir') throw new FsError('EISDIR', { syscall: 'unlink', path });
    checkSticky(caller, dir, victim, 'unlink');
    await tx.deleteEdge(at.parent, at.name);
    await chargeQuotas(ctx, tx, { dir: at.parent, bytes: victim.type === 'file' ? -victim.length : 0, inodes: -1, syscall: 'unlink' });
    await dropLink(ctx, tx, { attr: victim, from: { parent: dir, name: at.name } });
    touchDir(dir, victim.ctime);
    await tx.putInode(dir);
  }, assumedEntry(ctx, at));
  ctx.seen.forgetEntry(at.parent, at.name);
}

/** rmdir(2): removes an empty directory. */
export async function rmdir(ctx: MetaContext, caller: Caller, at: { parent: Ino; name: Buffer }): Promise<void> {
  const path = at.name.toString();
  await ctx.engine.txn(async (tx) => {
    const { dir, entry } = await readEntry(tx, at, 'rmdir');
    checkModifyDir(caller, dir, 'rmdir');
    if (at.name.equals(Buffer.from('.'))) throw new FsError('EINVAL', { syscall: 'rmdir', path });
    if (at.name.equals(Buffer.from('..'))) throw new FsError('ENOTEMPTY', { syscall: 'rmdir', path });
    if (!entry) throw new FsError('ENOENT', { syscall: 'rmdir', path });
    const victim = entry.attr;
    if (victim.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'rmdir', path });
    if (victim.ino === TRASH_INO) throw new FsError('EPERM', { syscall: 'rmdir', path, detail: 'the trash stays' });
    checkSticky(caller, dir, victim, 'rmdir');
    if ((await tx.listEdges(victim.ino, undefined, 1)).length) throw new FsError('ENOTEMPTY', { syscall: 'rmdir', path });
    await tx.deleteEdge(at.parent, at.name);
    await chargeQuotas(ctx, tx, { dir: at.parent, bytes: 0, inodes: -1, syscall: 'rmdir' });
    await dropDirQuota(ctx, tx, victim);
    await destroyInode(tx, victim);
    touchDir(dir);
    dir.nlink -= 1;
    await tx.putInode(dir);
  });
}
