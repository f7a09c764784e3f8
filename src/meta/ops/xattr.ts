import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { XATTR_CREATE, XATTR_REPLACE } from '../meta.js';
import { checkAccess } from '../permissions.js';
import { now } from '../times.js';
import type { Caller, Ino } from '../types.js';
import { mustGetInode } from './inode-records.js';

const R_OK = 4;
const W_OK = 2;
const MAX_NAME = 255;
const MAX_VALUE = 65536;
const NAMESPACES = ['user.', 'trusted.', 'security.', 'system.'];

/**
 * A name setxattr or removexattr may change. system.* names are not data: Linux gives each a
 * meaning (system.posix_acl_access is the file's ACL, and setting a minimal one sets its mode
 * bits), and a file system without a handler for one refuses it, as ext4 mounted noacl does.
 * Stored as plain data, an ACL would be ignored: cp -p, which preserves a mode by setting the
 * equivalent ACL and falls back to chmod only when that is refused, would leave the copy with its
 * creation mode.
 */
function checkXattrName(name: string, syscall: string): void {
  if (name.length === 0 || Buffer.byteLength(name) > MAX_NAME) throw new FsError('ERANGE', { syscall, path: name });
  if (!NAMESPACES.some((ns) => name.startsWith(ns) && name.length > ns.length)) {
    throw new FsError('ENOTSUP', { syscall, path: name, detail: 'unknown xattr namespace' });
  }
  if (name.startsWith('system.')) throw new FsError('ENOTSUP', { syscall, path: name, detail: 'POSIX ACLs are not supported; permissions are the mode bits' });
}

/** What a caller needs for a namespace: trusted.* is root's; user.* follows file permissions. */
function checkXattrAccess(caller: Caller, name: string, mask: number, attr: Parameters<typeof checkAccess>[1], syscall: string) {
  if (name.startsWith('trusted.') && caller.uid !== 0) throw new FsError('EPERM', { syscall, path: name });
  if (name.startsWith('user.')) {
    if (attr.type !== 'file' && attr.type !== 'dir') throw new FsError('EPERM', { syscall, path: name });
    checkAccess(caller, attr, mask, syscall);
  }
}

/** getxattr(2). */
export async function getxattr(ctx: MetaContext, caller: Caller, ino: Ino, name: string): Promise<Buffer> {
  return ctx.engine.read(async (tx) => {
    const attr = await mustGetInode(tx, ino, 'getxattr');
    checkXattrAccess(caller, name, R_OK, attr, 'getxattr');
    const value = await tx.getXattr(ino, name);
    if (!value) throw new FsError('ENODATA', { syscall: 'getxattr', path: name });
    return value;
  });
}

/** setxattr(2) with XATTR_CREATE / XATTR_REPLACE. */
export async function setxattr(
  ctx: MetaContext,
  caller: Caller,
  target: { ino: Ino; name: string; value: Buffer; flags: number },
): Promise<void> {
  const { ino, name, value, flags } = target;
  checkXattrName(name, 'setxattr');
  if (value.length > MAX_VALUE) throw new FsError('E2BIG', { syscall: 'setxattr', path: name });
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) throw new FsError('EINVAL', { syscall: 'setxattr', path: name });
  await ctx.engine.txn(async (tx) => {
    const attr = await mustGetInode(tx, ino, 'setxattr');
    checkXattrAccess(caller, name, W_OK, attr, 'setxattr');
    const old = await tx.getXattr(ino, name);
    if (flags & XATTR_CREATE && old) throw new FsError('EEXIST', { syscall: 'setxattr', path: name });
    if (flags & XATTR_REPLACE && !old) throw new FsError('ENODATA', { syscall: 'setxattr', path: name });
    await tx.putXattr(ino, name, value);
    attr.ctime = now();
    await tx.putInode(attr);
  });
}

/** listxattr(2). */
export async function listxattr(ctx: MetaContext, caller: Caller, ino: Ino): Promise<string[]> {
  return ctx.engine.read(async (tx) => {
    await mustGetInode(tx, ino, 'listxattr');
    const names = await tx.listXattrs(ino);
    return caller.uid === 0 ? names : names.filter((n) => !n.startsWith('trusted.'));
  });
}

/** removexattr(2). */
export async function removexattr(ctx: MetaContext, caller: Caller, ino: Ino, name: string): Promise<void> {
  checkXattrName(name, 'removexattr');
  await ctx.engine.txn(async (tx) => {
    const attr = await mustGetInode(tx, ino, 'removexattr');
    checkXattrAccess(caller, name, W_OK, attr, 'removexattr');
    if (!(await tx.getXattr(ino, name))) throw new FsError('ENODATA', { syscall: 'removexattr', path: name });
    await tx.deleteXattr(ino, name);
    attr.ctime = now();
    await tx.putInode(attr);
  });
}
