import type { Attr, Ino } from '../types.js';
import type { CloneAttrs } from './clone-spec.js';

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
  if (attrs.preserve) return base;
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
