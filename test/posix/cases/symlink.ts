import type { Case } from '../case.js';

/** symlink(2): any target text is stored as given; the link's size is the target's length. */
export const symlink: readonly Case[] = [
  ['creates a symlink; the directory changes', 'user', '', 'symlink target s', 'ok; s: symlink target=target size=6 uid=user; .: times=cm'],
  ['a dangling target is fine', 'user', '', 'symlink /no/such/file s', 'ok; s: target=/no/such/file'],
  ['a relative target is resolved from the link', 'user', 'dir d; file d/f 0644 user hello', 'symlink f d/s', 'ok; d/s: target=f content=hello'],
  ['a 4095-byte target is fine', 'user', '', 'symlink {t*4095} s', 'ok; s: size=4095'],
  ['a 4096-byte target: ENAMETOOLONG', 'user', '', 'symlink {t*4096} s', 'ENAMETOOLONG; s: missing'],
  ['an empty target: ENOENT', 'user', '', 'symlink "" s', 'ENOENT; s: missing'],
  ['the name exists: EEXIST', 'user', 'file s', 'symlink t s', 'EEXIST; s: file; .: times=-'],
  ['the name is a dangling symlink: EEXIST', 'user', 'sym x s', 'symlink t s', 'EEXIST; s: target=x'],
  ['the parent is missing: ENOENT', 'user', '', 'symlink t d/s', 'ENOENT'],
  ['the parent is a file: ENOTDIR', 'user', 'file f', 'symlink t f/s', 'ENOTDIR'],
  ['no write permission on the parent: EACCES', 'user', 'dir d 0755 root', 'symlink t d/s', 'EACCES; d/s: missing'],
  ['root ignores the permission bits', 'root', 'dir d 0555', 'symlink t d/s', 'ok; d/s: symlink'],
  ['a 256-byte name: ENAMETOOLONG', 'user', '', 'symlink t {n*256}', 'ENAMETOOLONG'],
  ['a symlink loop in the path: ELOOP', 'user', 'sym a b; sym b a', 'symlink t a/s', 'ELOOP'],
  ['a link to a link is followed through', 'user', 'file f 0644 user data; sym f s1', 'symlink s1 s2', 'ok; s2: content=data target=s1'],
  ['a symlink keeps a target with odd bytes', 'user', '', 'symlink "a b\tc" s', 'ok; s: size=5'],
  ['root: creates a root-owned symlink', 'root', '', 'symlink t s', 'ok; s: symlink uid=root target=t; .: times=cm'],
  ['root: the name exists: EEXIST', 'root', 'dir s', 'symlink t s', 'EEXIST; s: dir'],
];
