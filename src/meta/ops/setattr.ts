import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { AttrChanges } from '../meta.js';
import { checkOwner, inGroup, mayAccess } from '../permissions.js';
import { now } from '../times.js';
import type { Attr, Caller, Ino, Timespec } from '../types.js';
import { mustGetInode } from './inode-records.js';
import { truncateIn } from './truncate.js';
import { checkVolumeLimits } from '../space/volume-limits.js';
import { chargeFileGrowth } from '../space/dir-quotas.js';

const W_OK = 2;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_IXGRP = 0o010;
/** The xattr a write or truncate by an unprivileged caller removes with the setuid bit. */
export const CAPABILITY_XATTR = 'security.capability';

/**
 * The mode bits a write or truncate by `caller` (without CAP_FSETID) clears, as Linux does
 * (setattr_should_drop_suidgid): setuid; setgid when group-executable or the caller is not in
 * the file's group.
 */
export function privilegesDropped(caller: Caller, attr: Attr): number {
  let bits = attr.mode & S_ISUID;
  if (attr.mode & S_ISGID && (attr.mode & S_IXGRP || !inGroup(caller, attr.gid))) bits |= S_ISGID;
  return bits;
}

/**
 * The mode change a write or truncate by someone without CAP_FSETID makes (Linux's
 * file_remove_privs; FUSE sends it as a SETATTR of the mode): setuid and setgid cleared (setgid
 * when group-executable or the writer is not in the group), nothing else. Anyone who may write
 * the file may make it, owner or not: their write clears those bits anyway (pjdfstest chmod/12.t).
 */
function dropsPrivilegesOnly(attr: Attr, mode: number): boolean {
  if (attr.type === 'dir' || mode === (attr.mode & 0o7777)) return false;
  const removed = attr.mode & 0o7777 & ~mode;
  return (mode & ~attr.mode) === 0 && (removed & ~(S_ISUID | S_ISGID)) === 0;
}

/**
 * Applies chown, chmod and utimes to `attr` (in place) with the POSIX permission rules, as of
 * time `t`; throws the FsError a caller without the right gets. Reads nothing.
 */
export function applyOwnerModeTimes(caller: Caller, attr: Attr, changes: AttrChanges, t: Timespec): void {
  const ino = attr.ino;
  const ownerChange = changes.uid !== undefined || changes.gid !== undefined;
  if (ownerChange) {
    const uidChanges = changes.uid !== undefined && changes.uid !== attr.uid;
    const gidChanges = changes.gid !== undefined && changes.gid !== attr.gid;
    if (caller.uid !== 0) {
      if (uidChanges) throw new FsError('EPERM', { syscall: 'chown', ino, detail: 'only root may change the owner' });
      if (gidChanges && (caller.uid !== attr.uid || !inGroup(caller, changes.gid!))) {
        throw new FsError('EPERM', { syscall: 'chown', ino });
      }
    }
    if (changes.uid !== undefined) attr.uid = changes.uid;
    if (changes.gid !== undefined) attr.gid = changes.gid;
    // chown clears setuid, and setgid when group-executable, on non-directories (as Linux does).
    if (attr.type !== 'dir' && (uidChanges || gidChanges || caller.uid !== 0)) {
      attr.mode &= ~S_ISUID;
      if (attr.mode & 0o010) attr.mode &= ~S_ISGID;
    }
    attr.ctime = t;
  }
  if (changes.mode !== undefined) {
    let mode = changes.mode & 0o7777;
    const owner = caller.uid === 0 || caller.uid === attr.uid;
    if (!owner && !(dropsPrivilegesOnly(attr, mode) && mayAccess(caller, attr, W_OK))) checkOwner(caller, attr, 'chmod');
    if (owner && caller.uid !== 0 && attr.type !== 'dir' && !inGroup(caller, attr.gid)) mode &= ~S_ISGID;
    attr.mode = mode;
    attr.ctime = t;
  }
  for (const field of ['atime', 'mtime'] as const) {
    const value = changes[field];
    if (value === undefined) continue;
    if (value === 'now') {
      if (caller.uid !== 0 && caller.uid !== attr.uid && !mayAccess(caller, attr, W_OK)) {
        throw new FsError('EACCES', { syscall: 'utimes', ino });
      }
      attr[field] = t;
    } else {
      checkOwner(caller, attr, 'utimes');
      attr[field] = { ...value };
    }
    attr.ctime = t;
  }
}

/**
 * chmod, chown and utimes from the attributes this client's own commit left the inode with (at
 * most RecentAttrs' lifetime ago), as one conditional replacement (`Engine.replaceInode`): one
 * round trip on a remote engine instead of a read and a write (untar makes three per file). The
 * result when the engine still held exactly those attributes; undefined when there are none, the
 * change needs more than the inode (a length, dropped privileges), the rules refuse it (the
 * usual transaction decides, on what it reads), or the inode changed meanwhile.
 */
async function setattrFromRecent(ctx: MetaContext, caller: Caller, ino: Ino, changes: AttrChanges): Promise<Attr | undefined> {
  if (!ctx.engine.replaceInode || changes.length !== undefined || changes.dropPrivileges) return undefined;
  const known = ctx.recent.get(ino, ctx.recent.lifetimeMs);
  if (!known) return undefined;
  const next: Attr = { ...known.attr };
  try {
    applyOwnerModeTimes(caller, next, changes, now());
  } catch {
    return undefined;
  }
  return (await ctx.engine.replaceInode(known.attr, next, [{ parent: next.parent, ino }])) ? next : undefined;
}

/** chmod, chown, utimes and truncate in one transaction, with the POSIX permission rules. */
export async function setattr(ctx: MetaContext, caller: Caller, ino: Ino, changes: AttrChanges): Promise<Attr> {
  const replaced = await setattrFromRecent(ctx, caller, ino, changes);
  if (replaced) return replaced;
  return ctx.engine.txn(async (tx) => {
    const attr = await mustGetInode(tx, ino, 'setattr');
    const t = now();
    applyOwnerModeTimes(caller, attr, changes, t);
    if (changes.dropPrivileges && attr.type === 'file') {
      const dropped = privilegesDropped(caller, attr);
      if (dropped) {
        attr.mode &= ~dropped;
        attr.ctime = t;
      }
      if (await tx.getXattr(ino, CAPABILITY_XATTR)) {
        await tx.deleteXattr(ino, CAPABILITY_XATTR);
        attr.ctime = t;
      }
    }
    if (changes.length !== undefined) {
      // truncate(2) needs write permission, even for the owner; ftruncate(2) was checked at open.
      if (!changes.viaHandle && !mayAccess(caller, attr, W_OK)) throw new FsError('EACCES', { syscall: 'truncate', ino });
      await checkVolumeLimits(ctx.settings, { tx, bytes: changes.length - attr.length, syscall: 'truncate', ino });
      await chargeFileGrowth(ctx, tx, { attr, bytes: changes.length - attr.length, syscall: 'truncate' });
      await truncateIn(tx, attr, changes.length);
    }
    await tx.putInode(attr);
    return attr;
  });
}
