import { FsError, isFsError } from '../errors/index.js';
import type { Attr, Caller } from '../meta/types.js';
import type { Vfs } from './vfs.js';

/**
 * Path lookups for front ends that take volume paths from the network (the WebDAV server):
 * resolution with the caller's search permissions, through the metadata's path walk.
 */

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
