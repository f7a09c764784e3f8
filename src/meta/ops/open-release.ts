import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { checkAccess, openMask } from '../permissions.js';
import type { Attr, Caller, Ino } from '../types.js';
import { destroyInode, mustGetInode } from './inode-records.js';

const O_ACCMODE = 3;
const W_OK = 2;

/**
 * open(2) permission check. The first open of an inode in this session is recorded in the
 * engine, so that an unlink by *any* client keeps the inode (sustained) until this session
 * releases it (DESIGN §2).
 */
export async function open(ctx: MetaContext, caller: Caller, ino: Ino, flags: number): Promise<Attr> {
  const check = (attr: Attr) => {
    if (attr.type === 'dir' && (flags & O_ACCMODE) !== 0) throw new FsError('EISDIR', { syscall: 'open', ino });
    if (attr.type === 'symlink') throw new FsError('ELOOP', { syscall: 'open', ino });
    const mask = openMask(flags);
    checkAccess(caller, attr, attr.type === 'dir' ? mask & ~W_OK : mask, 'open');
    return attr;
  };
  const first = ctx.openFiles.add(ino);
  try {
    if (!first) return check(await ctx.engine.read((tx) => mustGetInode(tx, ino, 'open')));
    return await ctx.engine.txn(async (tx) => {
      const attr = check(await mustGetInode(tx, ino, 'open'));
      if (attr.nlink === 0 && !(await tx.openSessions(ino)).length) throw new FsError('ENOENT', { syscall: 'open', ino });
      if (attr.type !== 'dir') await tx.putSustained(ctx.session, ino);
      return attr;
    });
  } catch (err) {
    ctx.openFiles.remove(ino);
    throw err;
  }
}

/** Ends one open; the last release of an unlinked inode no session holds deletes it. */
export async function release(ctx: MetaContext, ino: Ino): Promise<void> {
  if (!ctx.openFiles.remove(ino)) return;
  await ctx.engine.txn(async (tx) => {
    if (ctx.openFiles.isOpen(ino)) return; // opened again meanwhile: its record stays
    await tx.deleteSustained(ctx.session, ino);
    const attr = await tx.getInode(ino);
    if (!attr || attr.nlink > 0 || attr.type === 'dir') return;
    if ((await tx.openSessions(ino)).length === 0) await destroyInode(tx, attr);
  });
}
