import { FsError } from '../errors/index.js';
import type { Attr, Caller, Ino } from '../meta/types.js';
import { O_CREAT, O_EXCL, O_WRONLY } from './open-flags.js';
import type { Staging } from './staging.js';
import type { Vfs } from './vfs.js';

/** What a staged upload writes and where it ends up. */
export interface StagedUpload {
  parent: Ino;
  name: Buffer;
  /** The bytes, in order; iteration pulls the next piece only after the previous one is buffered (back-pressure). */
  body: AsyncIterable<Buffer>;
  /** The length the sender promised: fewer or more bytes fail with EIO and commit nothing. */
  expectedLength?: number;
  /** Permission bits before the caller's umask. */
  mode?: number;
}

/**
 * Writes a whole file under a fresh name in the staging area, then renames it over the
 * target: readers see the old content or the new, never a part. On any failure (the sender
 * went away, a short body, a store error) the staged file is removed; if the server dies
 * first, the next server or `slicefs gc --delete` removes it (its name carries the session).
 */
export async function writeStaged(vfs: Vfs, caller: Caller, staging: Staging, upload: StagedUpload): Promise<Attr> {
  const temp = staging.newName();
  const { handle } = await vfs.create(caller, { parent: staging.tmp, name: temp }, { mode: upload.mode ?? 0o666, flags: O_WRONLY | O_CREAT | O_EXCL });
  let open = true;
  try {
    let offset = 0;
    for await (const piece of upload.body) {
      if (upload.expectedLength !== undefined && offset + piece.length > upload.expectedLength) {
        throw new FsError('EIO', { syscall: 'write', path: upload.name.toString(), detail: 'more bytes than announced' });
      }
      await vfs.write(handle.fh, offset, piece);
      offset += piece.length;
    }
    if (upload.expectedLength !== undefined && offset !== upload.expectedLength) {
      throw new FsError('EIO', { syscall: 'write', path: upload.name.toString(), detail: `body ended after ${offset} of ${upload.expectedLength} bytes` });
    }
    open = false;
    await vfs.release(handle.fh);
    await vfs.rename(caller, { parent: staging.tmp, name: temp, newParent: upload.parent, newName: upload.name });
    return await vfs.lookup(caller, upload.parent, upload.name);
  } catch (err) {
    if (open) await vfs.release(handle.fh).catch(() => undefined);
    await staging.discard(vfs, temp);
    throw err;
  }
}
