import { FsError, isFsError } from '../errors/index.js';
import { type Attr, type Caller, ROOT_INO } from '../meta/types.js';
import type { Vfs } from './vfs.js';

// Path helpers for the front ends that take volume paths from the network (the S3 gateway,
// WebDAV): resolution and creation with the caller's permissions, through the metadata's path walk.

/** The inode a volume path names (final symlinks followed), or undefined when nothing is there. */
export async function statPath(vfs: Vfs, caller: Caller, path: string): Promise<Attr | undefined> {
  try {
    return await vfs.meta.resolve(caller, path, true);
  } catch (err) {
    if (isFsError(err, 'ENOENT') || isFsError(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** The directory that holds a path's last name, and that name: ENOENT/ENOTDIR when there is no such directory. */
export async function parentDirectory(vfs: Vfs, caller: Caller, path: string): Promise<{ parent: Attr; name: Buffer }> {
  const cut = path.lastIndexOf('/');
  const name = path.slice(cut + 1);
  if (!name) throw new FsError('EINVAL', { syscall: 'lookup', path, detail: 'the root has no parent' });
  const parent = await vfs.meta.resolve(caller, cut <= 0 ? '/' : path.slice(0, cut), true);
  if (parent.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'lookup', path });
  return { parent, name: Buffer.from(name) };
}

/**
 * `mkdir -p` for front ends that take paths (the S3 gateway, WebDAV): the directory the
 * components name from the root, created where missing (mode 0777 less the caller's umask)
 * with the caller's permissions. A race with another creator is not an error; a
 * non-directory on the way is ENOTDIR. Symlinks on the way are not followed.
 */
export async function makeDirectories(vfs: Vfs, caller: Caller, parts: readonly Buffer[]): Promise<Attr> {
  let dir = await vfs.getattr(ROOT_INO);
  for (const name of parts) {
    let next: Attr;
    try {
      next = await vfs.lookup(caller, dir.ino, name);
    } catch (err) {
      if (!isFsError(err, 'ENOENT')) throw err;
      next = await vfs.mkdir(caller, dir.ino, name, 0o777).catch((e: unknown) => {
        if (isFsError(e, 'EEXIST')) return vfs.lookup(caller, dir.ino, name);
        throw e;
      });
    }
    if (next.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'mkdir', path: name.toString() });
    dir = next;
  }
  return dir;
}
