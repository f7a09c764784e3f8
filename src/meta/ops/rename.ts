import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { RENAME_EXCHANGE, RENAME_NOREPLACE, type RenameSpec } from '../meta.js';
import { checkName, isDotName } from '../names.js';
import { checkAccess, checkModifyDir, checkSticky } from '../permissions.js';
import { now } from '../times.js';
import { type Caller, type Ino, TRASH_INO } from '../types.js';
import { checkNotTrash } from '../trash/trash.js';
import { isWithin } from './ancestry.js';
import { destroyInode, dropLink, readEntry } from './inode-records.js';
import { chargeQuotas, dropDirQuota, entryUsage, moveInQuotas } from '../space/dir-quotas.js';

const W_OK = 2;

/** rename(2) / renameat2(2) with RENAME_NOREPLACE and RENAME_EXCHANGE. */
export async function rename(ctx: MetaContext, caller: Caller, spec: RenameSpec): Promise<void> {
  const { parent, name, newParent, newName, flags = 0 } = spec;
  const err = (code: 'EINVAL' | 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EBUSY', detail?: string) =>
    new FsError(code, { syscall: 'rename', path: name.toString(), dest: newName.toString(), detail });
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) || (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE)) {
    throw err('EINVAL', 'unsupported flags');
  }
  if (isDotName(name) || isDotName(newName)) throw err('EBUSY', "cannot rename '.' or '..'");
  checkName(newName, 'rename');
  await ctx.engine.txn(async (tx) => {
    const from = await readEntry(tx, { parent, name }, 'rename');
    const to = await readEntry(tx, { parent: newParent, name: newName }, 'rename');
    const src = from.dir;
    const dst = newParent === parent ? src : to.dir;
    checkModifyDir(caller, src, 'rename');
    checkModifyDir(caller, dst, 'rename');
    checkNotTrash(dst, 'rename');
    if (!from.entry) throw err('ENOENT');
    const moving = from.entry.attr;
    checkSticky(caller, src, moving, 'rename');
    if (moving.ino === TRASH_INO || to.entry?.edge.ino === TRASH_INO) throw new FsError('EPERM', { syscall: 'rename', ino: TRASH_INO, detail: 'the trash stays' });
    const replaced = to.entry?.attr;
    if (flags & RENAME_EXCHANGE && !replaced) throw err('ENOENT');
    if (flags & RENAME_NOREPLACE && replaced) throw err('EEXIST');
    if (replaced && replaced.ino === moving.ino) return; // two links of one inode: POSIX says do nothing
    if (replaced) checkSticky(caller, dst, replaced, 'rename');
    const exchange = (flags & RENAME_EXCHANGE) !== 0;
    if (newParent !== parent) {
      if (moving.type === 'dir' && (await isWithin(tx, newParent, moving.ino))) throw err('EINVAL', 'into its own subtree');
      if (exchange && replaced!.type === 'dir' && (await isWithin(tx, parent, replaced!.ino))) {
        throw err('EINVAL', 'into its own subtree');
      }
      // A directory changing parent rewrites its '..': that needs write permission on it.
      if (moving.type === 'dir') checkAccess(caller, moving, W_OK, 'rename');
      if (exchange && replaced!.type === 'dir') checkAccess(caller, replaced!, W_OK, 'rename');
    }
    if (replaced && !exchange) {
      if (moving.type === 'dir' && replaced.type !== 'dir') throw err('ENOTDIR');
      if (moving.type !== 'dir' && replaced.type === 'dir') throw err('EISDIR');
      if (replaced.type === 'dir' && (await tx.listEdges(replaced.ino, undefined, 1)).length) throw err('ENOTEMPTY');
    }
    if (ctx.settings.quotas && replaced && !exchange) {
      const freed = await entryUsage(tx, replaced);
      await chargeQuotas(ctx, tx, { dir: newParent, bytes: -freed.bytes, inodes: -freed.inodes, syscall: 'rename' });
      await dropDirQuota(ctx, tx, replaced);
    }
    await moveInQuotas(ctx, tx, { from: parent, to: newParent, attr: moving, syscall: 'rename' });
    if (exchange) await moveInQuotas(ctx, tx, { from: newParent, to: parent, attr: replaced!, syscall: 'rename' });
    const t = now();
    await tx.deleteEdge(parent, name);
    await tx.putEdge(newParent, { name: newName, ino: moving.ino, type: moving.type });
    if (exchange) {
      await tx.putEdge(parent, { name, ino: replaced!.ino, type: replaced!.type });
      replaced!.parent = replaced!.nlink > 1 && replaced!.type !== 'dir' ? (0 as Ino) : parent;
      replaced!.ctime = t;
      await tx.putInode(replaced!);
      if (replaced!.type === 'dir') src.nlink += 1;
      if (replaced!.type === 'dir') dst.nlink -= 1;
    } else if (replaced) {
      if (replaced.type === 'dir') {
        dst.nlink -= 1;
        await destroyInode(tx, replaced);
      } else {
        await dropLink(ctx, tx, { attr: replaced, from: { parent: dst, name: newName } });
      }
    }
    if (moving.type === 'dir') {
      src.nlink -= 1;
      dst.nlink += 1;
    }
    moving.parent = moving.type !== 'dir' && moving.nlink > 1 ? (0 as Ino) : newParent;
    moving.ctime = t;
    await tx.putInode(moving);
    src.mtime = src.ctime = t;
    dst.mtime = dst.ctime = t;
    await tx.putInode(src);
    if (dst !== src) await tx.putInode(dst);
  });
}

