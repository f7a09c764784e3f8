import { isFsError } from '../errors/index.js';
import { type Caller, type Ino, ROOT_INO } from '../meta/types.js';
import type { VolumeMeta } from '../meta/volume-meta.js';
import type { Vfs } from './vfs.js';

/** The upload servers' hidden area at the volume's root (no valid bucket name; hidden by WebDAV). */
export const STAGING_DIR = '.slicefs-staging';
/** Who manages the staging area itself (creating it, removing leftovers). */
export const STAGER: Caller = Object.freeze({ uid: 0, gid: 0, gids: [], umask: 0 });

/** What a sweep of the staging area found and removed. */
export interface StagingLeftovers {
  /** Files in tmp/ of servers that stopped mid-upload. */
  found: number;
  removed: number;
  /** Multipart uploads started longer ago than the threshold (only when one is given). */
  staleUploads: number;
  removedUploads: number;
}

async function stagingDir(vfs: Vfs, name: string): Promise<Ino | undefined> {
  try {
    const top = await vfs.lookup(STAGER, ROOT_INO, Buffer.from(STAGING_DIR));
    return (await vfs.lookup(STAGER, top.ino, Buffer.from(name))).ino;
  } catch (err) {
    if (isFsError(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * Uploads that servers (gateway, WebDAV) left in `tmp/` when they stopped (killed mid-upload): entries named
 * after a session that is no longer live. Found, and with `delete` unlinked (their slices go
 * with the last reference). A server does this when it starts; `slicefs gc` too, which also
 * passes `olderThanMs`: multipart uploads started longer ago than that count as abandoned
 * (S3's lifecycle rule AbortIncompleteMultipartUpload) and are removed with their parts.
 */
export async function stagingLeftovers(
  volume: { vfs: Vfs; meta: VolumeMeta },
  options: { delete: boolean; tmp?: Ino; olderThanMs?: number },
): Promise<StagingLeftovers> {
  const { vfs, meta } = volume;
  const result = { found: 0, removed: 0, staleUploads: 0, removedUploads: 0 };
  if (options.olderThanMs !== undefined) await staleUploads(volume, { ...options, olderThanMs: options.olderThanMs, result });
  const tmp = options.tmp ?? (await stagingDir(vfs, 'tmp'));
  if (tmp === undefined) return result;
  const now = Date.now();
  const live = new Set((await meta.engine.listSessions()).filter((s) => s.expires >= now).map((s) => Number(s.id)));
  let after: Buffer | undefined;
  do {
    const page = await vfs.readdir(STAGER, tmp, { after, limit: 1000 });
    for (const e of page.entries) {
      const session = Number(/^(\d+)-/.exec(e.name.toString())?.[1]);
      if (live.has(session)) continue;
      result.found++;
      if (!options.delete) continue;
      // A tree is a WebDAV COPY of a collection that was to be renamed into place.
      const remove = e.type === 'dir' ? vfs.meta.removeTree(STAGER, { parent: tmp, name: e.name }) : vfs.unlink(STAGER, tmp, e.name);
      await remove.then(() => result.removed++, () => undefined);
    }
    after = page.next;
  } while (after);
  return result;
}

async function staleUploads(volume: { vfs: Vfs; meta: VolumeMeta }, spec: { delete: boolean; olderThanMs: number; result: StagingLeftovers }): Promise<void> {
  const { vfs, meta } = volume;
  const dir = await stagingDir(vfs, 'multipart');
  if (dir === undefined) return;
  const cutoff = Date.now() - spec.olderThanMs;
  let after: Buffer | undefined;
  do {
    const page = await vfs.readdir(STAGER, dir, { after, limit: 1000, plus: true });
    for (const e of page.entries) {
      // The upload's start (in its record), or its directory's change time if the record is unreadable.
      let started = (e.attr?.ctime.sec ?? 0) * 1000;
      try {
        started = Date.parse((JSON.parse((await vfs.getxattr(STAGER, e.ino, 'user.s3.upload')).toString()) as { initiated: string }).initiated) || started;
      } catch {
        // keep the directory's time
      }
      if (started > cutoff) continue;
      spec.result.staleUploads++;
      if (spec.delete) await meta.removeTree(STAGER, { parent: dir, name: e.name }).then(() => spec.result.removedUploads++, () => undefined);
    }
    after = page.next;
  } while (after);
}
