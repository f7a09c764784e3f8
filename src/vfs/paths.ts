import { FsError, isFsError } from '../errors/index.js';
import { type Attr, type Caller, ROOT_INO } from '../meta/types.js';
import type { Vfs } from './vfs.js';

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
