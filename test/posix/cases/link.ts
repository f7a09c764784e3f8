import type { Case } from '../case.js';

/** link(2): a second name for the same inode; the inode's ctime and the directory's times change. */
export const link: readonly Case[] = [
  ['a new name for a file', 'user', 'file f 0644 user abc', 'link f g', 'ok; g: ino=f nlink=2 content=abc; f: nlink=2 times=c; .: times=cm'],
  ['into another directory', 'user', 'file f; dir d', 'link f d/g', 'ok; d/g: ino=f; d: times=cm; .: times=-'],
  ['root links a file it does not own', 'root', 'file f 0600 user', 'link f g', 'ok; g: ino=f uid=user'],
  ['the new name exists: EEXIST', 'user', 'file f; file g', 'link f g', 'EEXIST; g: ino!=f; f: nlink=1 times=-; .: times=-'],
  ['the new name is a dangling symlink: EEXIST', 'user', 'file f; sym nowhere g', 'link f g', 'EEXIST; g: symlink'],
  ['a directory: EPERM', 'user', 'dir d', 'link d e', 'EPERM; e: missing; d: nlink=2'],
  ['a directory, as root: EPERM', 'root', 'dir d', 'link d e', 'EPERM; e: missing'],
  ['the source is missing: ENOENT', 'user', '', 'link nothing g', 'ENOENT; g: missing'],
  ['the target directory is missing: ENOENT', 'user', 'file f', 'link f nowhere/g', 'ENOENT; f: nlink=1'],
  ['the target directory is a file: ENOTDIR', 'user', 'file f; file e', 'link f e/g', 'ENOTDIR'],
  ['the source path goes through a file: ENOTDIR', 'user', 'file f', 'link f/x g', 'ENOTDIR'],
  ['no write permission on the target directory: EACCES', 'user', 'file f; dir d 0755 root', 'link f d/g', 'EACCES; d/g: missing'],
  ["a user may not link another user's unreadable file (protected_hardlinks): EPERM", 'user', 'file f 0600 root', 'link f g', 'EPERM; g: missing'],
  ['a symlink is linked itself, not its target', 'user', 'file f; sym f s', 'link s h', 'ok; h: symlink ino=s target=f; f: nlink=1'],
  ['to another file system: EXDEV', 'user', 'file f', 'link f $X/g', 'EXDEV; f: nlink=1'],
  ['a 256-byte name: ENAMETOOLONG', 'user', 'file f', 'link f {n*256}', 'ENAMETOOLONG'],
  ['a symlink loop in the source: ELOOP', 'user', 'sym a b; sym b a', 'link a/x g', 'ELOOP'],
  ['the third link of a file', 'user', 'file f; link f g', 'link g h', 'ok; h: ino=f nlink=3; f: nlink=3 times=c'],
  ['a fifo', 'user', 'fifo p', 'link p q', 'ok; q: fifo ino=p nlink=2'],
  ['a 4095-byte symlink target survives a link', 'user', 'sym {t*4095} s', 'link s h', 'ok; h: target={t*4095}'],
  ['root: the new name exists: EEXIST', 'root', 'file f; file g', 'link f g', 'EEXIST; f: nlink=1'],
  ['root: to another file system: EXDEV', 'root', 'file f', 'link f $X/g', 'EXDEV'],
];
