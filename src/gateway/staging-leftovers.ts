import { isFsError } from '../errors/index.js';
import { type Caller, type Ino, ROOT_INO } from '../meta/types.js';
import type { VolumeMeta } from '../meta/volume-meta.js';
import type { Vfs } from '../vfs/vfs.js';

/** The gateway's hidden area at the volume's root; its name is no valid bucket name. */
export const STAGING_DIR = '.slicefs-gateway';
/** Who manages the staging area itself (creating it, removing leftovers). */
export const STAGER: Caller = Object.freeze({ uid: 0, gid: 0, gids: [], umask: 0 });

/**
 * Uploads that gateways left in `tmp/` when they stopped (killed mid-upload): entries named
 * after a session that is no longer live. Found, and with `delete` unlinked (their slices go
 * with the last reference). A gateway does this when it starts; `slicefs gc` too.
 */
export async function stagingLeftovers(volume: { vfs: Vfs; meta: VolumeMeta }, options: { delete: boolean; tmp?: Ino }): Promise<{ found: number; removed: number }> {
  const { vfs, meta } = volume;
  const result = { found: 0, removed: 0 };
  let tmp = options.tmp;
  if (tmp === undefined) {
    try {
      const top = await vfs.lookup(STAGER, ROOT_INO, Buffer.from(STAGING_DIR));
      tmp = (await vfs.lookup(STAGER, top.ino, Buffer.from('tmp'))).ino;
    } catch (err) {
      if (isFsError(err, 'ENOENT')) return result;
      throw err;
    }
  }
  const now = Date.now();
  const live = new Set((await meta.engine.listSessions()).filter((s) => s.expires >= now).map((s) => Number(s.id)));
  let after: Buffer | undefined;
  do {
    const page = await vfs.readdir(STAGER, tmp, { after, limit: 1000 });
    for (const e of page.entries) {
      const session = Number(/^(\d+)-/.exec(e.name.toString())?.[1]);
      if (live.has(session)) continue;
      result.found++;
      if (options.delete) await vfs.unlink(STAGER, tmp, e.name).then(() => result.removed++, () => undefined);
    }
    after = page.next;
  } while (after);
  return result;
}
