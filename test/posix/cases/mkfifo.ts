import type { Case } from '../case.js';

/** mkfifo(3) (mknod with S_IFIFO): anyone may make one where it may create files. */
export const mkfifo: readonly Case[] = [
  ['creates a fifo with the umask applied', 'user', '', 'mkfifo p 0666', 'ok; p: fifo mode=0644 uid=user size=0 nlink=1; .: times=cm'],
  ['as root', 'root', '', 'mkfifo p 0600', 'ok; p: fifo mode=0600 uid=root'],
  ['in a set-gid directory the group is inherited', 'user', 'dir g 2777 root', 'mkfifo g/p 0644', 'ok; g/p: fifo gid=root'],
  ['the name exists: EEXIST', 'user', 'file p', 'mkfifo p 0644', 'EEXIST; p: file; .: times=-'],
  ['the name is a dangling symlink: EEXIST', 'user', 'sym nowhere p', 'mkfifo p 0644', 'EEXIST; p: symlink'],
  ['the parent is missing: ENOENT', 'user', '', 'mkfifo a/p 0644', 'ENOENT'],
  ['the parent is a file: ENOTDIR', 'user', 'file f', 'mkfifo f/p 0644', 'ENOTDIR'],
  ['no write permission on the parent: EACCES', 'user', 'dir d 0755 root', 'mkfifo d/p 0644', 'EACCES; d/p: missing'],
  ['a 256-byte name: ENAMETOOLONG', 'user', '', 'mkfifo {n*256} 0644', 'ENAMETOOLONG'],
  ['a symlink loop in the path: ELOOP', 'user', 'sym a b; sym b a', 'mkfifo a/p 0644', 'ELOOP'],
  ['root: the name exists: EEXIST', 'root', 'dir p', 'mkfifo p 0644', 'EEXIST; p: dir'],
];
