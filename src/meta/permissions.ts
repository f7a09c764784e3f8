import { FsError } from '../errors/index.js';
import { R_OK, W_OK, X_OK } from './meta.js';
import type { Attr, Caller } from './types.js';

const S_ISVTX = 0o1000;

/** True when the caller is in the group `gid`. */
export function inGroup(caller: Caller, gid: number): boolean {
  return caller.gid === gid || caller.gids.includes(gid);
}

/** POSIX access: root passes read/write, and execute when any x bit is set (or for directories). */
export function mayAccess(caller: Caller, attr: Attr, mask: number): boolean {
  if (caller.uid === 0) return (mask & X_OK) === 0 || attr.type === 'dir' || (attr.mode & 0o111) !== 0;
  const bits =
    caller.uid === attr.uid ? (attr.mode >> 6) & 7 : inGroup(caller, attr.gid) ? (attr.mode >> 3) & 7 : attr.mode & 7;
  return (bits & mask) === mask;
}

/** Throws EACCES unless the caller may access the inode with the mask. */
export function checkAccess(caller: Caller, attr: Attr, mask: number, syscall: string): void {
  if (!mayAccess(caller, attr, mask)) throw new FsError('EACCES', { syscall, ino: attr.ino });
}

/** Search permission on a directory, ENOTDIR if it is none. */
export function checkSearch(caller: Caller, dir: Attr, syscall: string): void {
  if (dir.type !== 'dir') throw new FsError('ENOTDIR', { syscall, ino: dir.ino });
  checkAccess(caller, dir, X_OK, syscall);
}

/** Write and search permission on a directory whose entries change. */
export function checkModifyDir(caller: Caller, dir: Attr, syscall: string): void {
  if (dir.type !== 'dir') throw new FsError('ENOTDIR', { syscall, ino: dir.ino });
  checkAccess(caller, dir, W_OK | X_OK, syscall);
}

/** The sticky-bit rule: in a sticky directory only the owner of the entry or the directory (or root) may remove it. */
export function checkSticky(caller: Caller, dir: Attr, victim: Attr, syscall: string): void {
  if ((dir.mode & S_ISVTX) === 0 || caller.uid === 0) return;
  if (caller.uid !== victim.uid && caller.uid !== dir.uid) throw new FsError('EPERM', { syscall, ino: victim.ino });
}

/** Only the owner or root may change an inode's mode or set its times explicitly. */
export function checkOwner(caller: Caller, attr: Attr, syscall: string): void {
  if (caller.uid !== 0 && caller.uid !== attr.uid) throw new FsError('EPERM', { syscall, ino: attr.ino });
}

/** The access mask open(2) flags require. */
export function openMask(flags: number): number {
  const acc = flags & 3;
  let mask = acc === 0 ? R_OK : acc === 1 ? W_OK : R_OK | W_OK;
  if (flags & 0o1000 /* O_TRUNC */) mask |= W_OK;
  return mask;
}
