import type { Case } from '../case.js';

/** mknod(2): devices are root's; regular files, fifos and sockets anyone's. */
export const mknod: readonly Case[] = [
  ['a character device, as root', 'root', '', 'mknod c c 0644 1 3', 'ok; c: chr rdev=1:3 mode=0644 uid=root; .: times=cm'],
  ['a block device, as root', 'root', '', 'mknod b b 0600 7 200', 'ok; b: blk rdev=7:200 mode=0600'],
  ['a device with a large minor number', 'root', '', 'mknod c c 0644 259 70000', 'ok; c: chr rdev=259:70000'],
  ['a character device, as a user: EPERM', 'user', '', 'mknod c c 0644 1 3', 'EPERM; c: missing; .: times=-'],
  ['a block device, as a user: EPERM', 'user', '', 'mknod b b 0644 7 0', 'EPERM; b: missing'],
  ['a fifo, as a user', 'user', '', 'mknod p p 0644', 'ok; p: fifo uid=user mode=0644'],
  ['a regular file, as a user', 'user', '', 'mknod f f 0640', 'ok; f: file size=0 mode=0640 uid=user'],
  ['a socket, as a user', 'user', '', 'mknod s s 0755', 'ok; s: sock mode=0755'],
  ['the umask applies', 'root', '', 'mknod f f 0777', 'ok; f: mode=0755'],
  ['a directory type: EPERM', 'root', '', 'mknod d d 0755', 'EPERM; d: missing'],
  ['an invalid type: EINVAL', 'root', '', 'mknod x 0170000 0644', 'EINVAL; x: missing'],
  ['the name exists: EEXIST', 'root', 'file c', 'mknod c c 0644 1 3', 'EEXIST; c: file'],
  ['the parent is missing: ENOENT', 'root', '', 'mknod a/c c 0644 1 3', 'ENOENT'],
  ['the parent is a file: ENOTDIR', 'root', 'file f', 'mknod f/c c 0644 1 3', 'ENOTDIR'],
  ['no write permission on the parent: EACCES', 'user', 'dir d 0755 root', 'mknod d/p p 0644', 'EACCES'],
  ['a 256-byte name: ENAMETOOLONG', 'root', '', 'mknod {n*256} p 0644', 'ENAMETOOLONG'],
];
