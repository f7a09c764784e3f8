import type { Case } from '../case.js';

/** rmdir(2): only empty directories, never ".", and the sticky-bit rule. */
export const rmdir: readonly Case[] = [
  ['an empty directory: the parent loses a link and changes', 'user', 'dir d', 'rmdir d', 'ok; d: missing; .: nlink=2 times=cm'],
  ['an empty directory with a trailing slash', 'user', 'dir d', 'rmdir d/', 'ok; d: missing'],
  ['a non-empty directory: ENOTEMPTY', 'user', 'dir d; file d/f', 'rmdir d', 'ENOTEMPTY; d: dir entries=f; .: times=- nlink=3'],
  ['a directory holding only a subdirectory: ENOTEMPTY', 'user', 'dir d; dir d/e', 'rmdir d', 'ENOTEMPTY; d: nlink=3'],
  ['a file: ENOTDIR', 'user', 'file f', 'rmdir f', 'ENOTDIR; f: file'],
  ['a symlink to a directory: ENOTDIR', 'user', 'dir d; sym d s', 'rmdir s', 'ENOTDIR; s: symlink; d: dir'],
  ['a missing directory: ENOENT', 'user', '', 'rmdir d', 'ENOENT'],
  ['a path through a file: ENOTDIR', 'user', 'file f', 'rmdir f/d', 'ENOTDIR'],
  ['".": EINVAL', 'user', 'dir d', 'rmdir d/.', 'EINVAL; d: dir'],
  ['"..": ENOTEMPTY', 'user', 'dir d; dir d/e', 'rmdir d/e/..', 'ENOTEMPTY; d: dir'],
  ['no write permission on the parent: EACCES', 'user', 'dir p 0755 root; dir p/d 0777 user', 'rmdir p/d', 'EACCES; p/d: dir'],
  ['root ignores the permission bits', 'root', 'dir p 0555; dir p/d', 'rmdir p/d', 'ok; p/d: missing; p: nlink=2 times=cm'],
  ["sticky directory: another user's directory: EPERM", 'user', 'dir t 1777 root; dir t/d 0777 other', 'rmdir t/d', 'EPERM; t/d: dir'],
  ['sticky directory: its own directory', 'user', 'dir t 1777 root; dir t/d 0755 user', 'rmdir t/d', 'ok; t/d: missing'],
  ['a 256-byte name: ENAMETOOLONG', 'user', '', 'rmdir {n*256}', 'ENAMETOOLONG'],
  ['a symlink loop in the path: ELOOP', 'user', 'sym a b; sym b a', 'rmdir a/d', 'ELOOP'],
  ['root: a non-empty directory: ENOTEMPTY', 'root', 'dir d; file d/f', 'rmdir d', 'ENOTEMPTY; d: entries=f'],
  ["root: another user's directory in a sticky directory", 'root', 'dir t 1777 other; dir t/d 0755 other', 'rmdir t/d', 'ok; t/d: missing; t: times=cm'],
];
