import type { Case } from '../case.js';

/** chmod(2): the mode bits, who may change them, and the ctime (never the mtime). */
export const chmod: readonly Case[] = [
  ['sets the permission bits; ctime changes, mtime does not', 'root', 'file f', 'chmod f 0600', 'ok; f: mode=0600 times=c'],
  ['the owner may chmod its own file', 'user', 'file f', 'chmod f 0640', 'ok; f: mode=0640 times=c'],
  ['a directory', 'user', 'dir d', 'chmod d 0700', 'ok; d: mode=0700 times=c; .: times=-'],
  ["another user's file: EPERM, nothing changes", 'user', 'file f 0644 root', 'chmod f 0666', 'EPERM; f: mode=0644 times=-'],
  ['root may chmod any file', 'root', 'file f 0644 user', 'chmod f 0600', 'ok; f: mode=0600 uid=user'],
  ['set-uid, set-gid and sticky bits are kept for root', 'root', 'file f', 'chmod f 7755', 'ok; f: mode=7755'],
  ['the set-gid bit is dropped when the owner is not in the group', 'user', 'file f 0644 user:root', 'chmod f 2755', 'ok; f: mode=0755'],
  ['follows a symlink and changes the target', 'user', 'file f; sym f s', 'chmod s 0600', 'ok; f: mode=0600 times=c; s: symlink'],
  ['missing file: ENOENT', 'user', '', 'chmod nothing 0644', 'ENOENT'],
  ['a file used as a directory: ENOTDIR', 'user', 'file f', 'chmod f/x 0644', 'ENOTDIR'],
  ['a dangling symlink: ENOENT', 'user', 'sym nowhere s', 'chmod s 0644', 'ENOENT'],
  ['a symlink loop: ELOOP', 'user', 'sym a b; sym b a', 'chmod a 0644', 'ELOOP'],
  ['a 256-byte name: ENAMETOOLONG', 'user', '', 'chmod {n*256} 0644', 'ENAMETOOLONG'],
  ['no search permission on the directory: EACCES', 'user', 'dir d 0600 root; file d/f 0644 user', 'chmod d/f 0600', 'EACCES'],
  ['a fifo', 'user', 'fifo p', 'chmod p 0600', 'ok; p: fifo mode=0600 times=c'],
  ['mode 0 on a directory, then root can still list it', 'root', 'dir d', 'chmod d 0', 'ok; d: mode=0000 entries='],
  ['root: a symlink loop: ELOOP', 'root', 'sym a b; sym b a', 'chmod a 0644', 'ELOOP'],
  ["root: clears nothing when chmod'ing another user's set-uid file", 'root', 'file f 4755 user', 'chmod f 4700', 'ok; f: mode=4700 uid=user'],
  // A write or truncate by a non-owner without CAP_FSETID drops setuid, and setgid when group-executable
  // (pjdfstest chmod/12.t); the kernel asks the file system for that mode change on the writer's behalf.
  ["a non-owner's write clears set-uid", 'user', 'file f 4777 root', 'open-write f O_WRONLY x', 'ok; f: mode=0777 content=x'],
  ["a non-owner's write clears set-gid", 'user', 'file f 2777 root', 'open-write f O_RDWR x', 'ok; f: mode=0777 content=x'],
  ["a non-owner's write clears set-uid and set-gid", 'user', 'file f 6777 root', 'open-write f O_RDWR x', 'ok; f: mode=0777 content=x'],
  ["a non-owner's truncate clears set-uid", 'user', 'file f 4777 root abc', 'truncate f 1', 'ok; f: mode=0777 size=1'],
  ["a non-owner's ftruncate clears set-uid and set-gid", 'user', 'file f 6777 root abc', 'ftruncate f 1', 'ok; f: mode=0777 size=1'],
  ['the owner\'s write clears set-uid too', 'user', 'file f 4755 user', 'open-write f O_WRONLY x', 'ok; f: mode=0755 content=x'],
  ['a non-owner still may not chmod the bits away: EPERM', 'user', 'file f 4777 root', 'chmod f 0777', 'EPERM; f: mode=4777'],
  ["root's write keeps set-uid and set-gid", 'root', 'file f 6777 user', 'open-write f O_WRONLY x', 'ok; f: mode=6777 content=x'],
];
