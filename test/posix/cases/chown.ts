import type { Case } from '../case.js';

/** chown(2), lchown(2): only root gives files away; the owner may pick one of its groups. */
export const chown: readonly Case[] = [
  ['root gives a file away; ctime changes, mtime does not', 'root', 'file f', 'chown f user user', 'ok; f: uid=user gid=user times=c'],
  ['root changes only the group (uid -1)', 'root', 'file f', 'chown f - user', 'ok; f: uid=root gid=user times=c'],
  ['a directory', 'root', 'dir d', 'chown d user user', 'ok; d: uid=user gid=user times=c'],
  ['a user cannot give its file away: EPERM', 'user', 'file f', 'chown f root root', 'EPERM; f: uid=user times=-'],
  ["a user cannot take another's file: EPERM", 'user', 'file f 0666 root', 'chown f user user', 'EPERM; f: uid=root'],
  ['a user cannot chgrp to a group it is not in: EPERM', 'user', 'file f', 'chown f - root', 'EPERM; f: gid=user'],
  ['a user may chgrp its file to its own group', 'user', 'file f 0644 user:root', 'chown f - user', 'ok; f: gid=user times=c'],
  ['chown by root clears set-uid and set-gid on an executable', 'root', 'file f 6755', 'chown f user user', 'ok; f: mode=0755'],
  ['chown -1 -1 by the owner succeeds', 'user', 'file f', 'chown f - -', 'ok; f: uid=user'],
  ['chown follows a symlink', 'root', 'file f; sym f s', 'chown s user user', 'ok; f: uid=user; s: uid=root'],
  ['lchown changes the link, not the target', 'root', 'file f; sym f s', 'lchown s user user', 'ok; f: uid=root times=-; s: uid=user'],
  ['missing file: ENOENT', 'root', '', 'chown nothing user user', 'ENOENT'],
  ['a file used as a directory: ENOTDIR', 'root', 'file f', 'chown f/x user user', 'ENOTDIR'],
  ['a symlink loop: ELOOP', 'root', 'sym a b; sym b a', 'chown a user user', 'ELOOP'],
  ['a 256-byte name: ENAMETOOLONG', 'root', '', 'chown {n*256} user user', 'ENAMETOOLONG'],
  ['no search permission on the directory: EACCES', 'user', 'dir d 0600 root; file d/f', 'chown d/f - user', 'EACCES'],
];
