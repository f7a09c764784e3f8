import type { Case } from '../case.js';

/** unlink(2): names of non-directories; the inode's ctime changes while other links remain. */
export const unlink: readonly Case[] = [
  ['removes a file; the directory changes', 'user', 'file f', 'unlink f', 'ok; f: missing; .: times=cm entries='],
  ['one of two links: the other keeps the data; its ctime changes', 'user', 'file f 0644 user abc; link f g', 'unlink f', 'ok; f: missing; g: nlink=1 content=abc times=c'],
  ['a symlink, not its target', 'user', 'file f; sym f s', 'unlink s', 'ok; s: missing; f: file'],
  ['a dangling symlink', 'user', 'sym nowhere s', 'unlink s', 'ok; s: missing'],
  ['a fifo', 'user', 'fifo p', 'unlink p', 'ok; p: missing'],
  ['a directory: EISDIR', 'user', 'dir d', 'unlink d', 'EISDIR; d: dir'],
  ['a directory, as root: EISDIR', 'root', 'dir d', 'unlink d', 'EISDIR; d: dir'],
  ['a missing file: ENOENT', 'user', '', 'unlink f', 'ENOENT'],
  ['a path through a file: ENOTDIR', 'user', 'file f', 'unlink f/x', 'ENOTDIR'],
  ['a trailing slash on a file: ENOTDIR', 'user', 'file f', 'unlink f/', 'ENOTDIR; f: file'],
  ['no write permission on the directory: EACCES', 'user', 'dir d 0755 root; file d/f 0666 user', 'unlink d/f', 'EACCES; d/f: file'],
  ['a read-only file in a writable directory', 'user', 'file f 0000 root', 'unlink f', 'ok; f: missing'],
  ["sticky directory: another user's file: EPERM", 'user', 'dir t 1777 root; file t/f 0666 other', 'unlink t/f', 'EPERM; t/f: file; t: times=-'],
  ['sticky directory: its own file', 'user', 'dir t 1777 root; file t/f 0644 user', 'unlink t/f', 'ok; t/f: missing; t: times=cm'],
  ["sticky directory: the directory's owner removes anyone's file", 'user', 'dir t 1777 user; file t/f 0644 other', 'unlink t/f', 'ok; t/f: missing'],
  ['sticky directory: root removes anything', 'root', 'dir t 1777 other; file t/f 0644 other', 'unlink t/f', 'ok; t/f: missing'],
  ['a 256-byte name: ENAMETOOLONG', 'user', '', 'unlink {n*256}', 'ENAMETOOLONG'],
  ['a symlink loop in the path: ELOOP', 'user', 'sym a b; sym b a', 'unlink a/f', 'ELOOP'],
  ['the last link of a file with data', 'user', 'file f 0644 user abc; link f g; unlink g', 'unlink f', 'ok; f: missing; .: entries='],
  ["root: a file in another user's read-only directory", 'root', 'dir d 0500 user; file d/f 0000 user', 'unlink d/f', 'ok; d/f: missing; d: times=cm'],
];
