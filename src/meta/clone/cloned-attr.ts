import type { Attr, Ino } from '../types.js';
import type { CloneAttrs } from './clone-spec.js';

/** Mode bits a non-root caller's preserved copy keeps: all but setuid and setgid. */
export const PRIVILEGE_CLEARED = 0o7777 & ~0o6000;

/** The attributes of the clone of `src` as inode `ino` under `parent`. Links are not copied: a clone has one. */
export function clonedAttr(src: Attr, target: { ino: Ino; parent: Ino }, attrs: CloneAttrs): Attr {
  const base: Attr = {
    ...src,
    ino: target.ino,
    parent: target.parent,
    nlink: src.type === 'dir' ? 2 : 1,
    atime: { ...src.atime },
    mtime: { ...src.mtime },
    ctime: { ...src.ctime },
  };
  if (attrs.preserve && !attrs.owner) return base;
  if (attrs.preserve) {
    const mode = src.type === 'symlink' ? src.mode : src.mode & PRIVILEGE_CLEARED;
    return { ...base, uid: attrs.owner!.uid, gid: attrs.owner!.gid, mode };
  }
  return {
    ...base,
    uid: attrs.uid,
    gid: attrs.gid,
    mode: src.type === 'symlink' ? src.mode : src.mode & ~attrs.umask & 0o7777,
    atime: { ...attrs.now },
    mtime: { ...attrs.now },
    ctime: { ...attrs.now },
  };
}
