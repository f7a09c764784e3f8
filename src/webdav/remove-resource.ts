import type { DavRequest } from './dav-request.js';

/** Removes whatever is at `path` (a file, a symlink, or a collection with everything below it) and its locks. */
export async function removeResource(r: DavRequest, path: string): Promise<void> {
  const { parent, name } = await r.parentOf(path);
  const own = await r.vfs.lookup(r.caller, parent.ino, name); // the name itself: a symlink is removed, not its target
  if (own.type === 'dir') await r.vfs.meta.removeTree(r.caller, { parent: parent.ino, name });
  else await r.vfs.unlink(r.caller, parent.ino, name);
  r.shared.locks.dropTree(path);
}

/** The type of what the name at `path` itself is (no symlink followed), or undefined. */
export async function ownType(r: DavRequest, path: string): Promise<string | undefined> {
  try {
    const { parent, name } = await r.parentOf(path);
    return (await r.vfs.lookup(r.caller, parent.ino, name)).type;
  } catch {
    return undefined;
  }
}
