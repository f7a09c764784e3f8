import type { Case } from '../case.js';

/** mkdir(2): mode under the umask (022 in the workers), owner, set-gid inheritance, errors. */
export const mkdir: readonly Case[] = [
  ['creates a directory with the umask applied; the parent gains a link', 'user', '', 'mkdir d 0777', 'ok; d: dir mode=0755 nlink=2 uid=user gid=user; .: nlink=3 times=cm'],
  ['as root', 'root', '', 'mkdir d 0700', 'ok; d: dir mode=0700 uid=root; .: times=cm'],
  ['the sticky bit is kept', 'user', '', 'mkdir d 1777', 'ok; d: mode=1755'],
  ['in a set-gid directory: the group and the set-gid bit are inherited', 'user', 'dir g 2777 root', 'mkdir g/d 0755', 'ok; g/d: gid=root uid=user mode=2755; g: nlink=3 times=cm'],
  ['with a trailing slash', 'user', '', 'mkdir d/ 0755', 'ok; d: dir'],
  ['the name exists (a directory): EEXIST', 'user', 'dir d 0700', 'mkdir d 0755', 'EEXIST; d: mode=0700 times=-; .: times=- nlink=3'],
  ['the name exists (a file): EEXIST', 'user', 'file d', 'mkdir d 0755', 'EEXIST; d: file'],
  ['the name is a dangling symlink: EEXIST', 'user', 'sym nowhere d', 'mkdir d 0755', 'EEXIST; d: symlink; nowhere: missing'],
  ['the parent is missing: ENOENT', 'user', '', 'mkdir a/b 0755', 'ENOENT; a: missing'],
  ['the parent is a file: ENOTDIR', 'user', 'file f', 'mkdir f/d 0755', 'ENOTDIR'],
  ['no write permission on the parent: EACCES', 'user', 'dir p 0555 user', 'mkdir p/d 0755', 'EACCES; p: nlink=2 times=-'],
  ["in root's directory: EACCES", 'user', 'dir p 0755 root', 'mkdir p/d 0755', 'EACCES'],
  ['no search permission on the parent: EACCES', 'user', 'dir p 0666 user', 'mkdir p/d 0755', 'EACCES'],
  ['root ignores the permission bits', 'root', 'dir p 0555', 'mkdir p/d 0755', 'ok; p/d: dir'],
  ['in a world-writable sticky directory', 'user', 'dir t 1777 root', 'mkdir t/d 0755', 'ok; t/d: uid=user'],
  ['a 255-byte name is fine', 'user', '', 'mkdir {n*255} 0755', 'ok; {n*255}: dir'],
  ['a 256-byte name: ENAMETOOLONG', 'user', '', 'mkdir {n*256} 0755', 'ENAMETOOLONG; .: times=-'],
  ['a path over PATH_MAX: ENAMETOOLONG', 'user', '', 'mkdir {d/*2100}e 0755', 'ENAMETOOLONG'],
  ['a symlink loop in the path: ELOOP', 'user', 'sym a b; sym b a', 'mkdir a/d 0755', 'ELOOP'],
  ['through a symlink to a directory', 'user', 'dir p; sym p s', 'mkdir s/d 0755', 'ok; p/d: dir; p: nlink=3'],
  ['mkdir under a fresh directory updates that directory, not the grandparent', 'user', 'dir d', 'mkdir d/e 0755', 'ok; d: nlink=3 times=cm; .: times=- nlink=3'],
  ["root: in another user's read-only directory", 'root', 'dir p 0500 user', 'mkdir p/d 0700', 'ok; p/d: uid=root mode=0700; p: nlink=3 times=cm'],
];
