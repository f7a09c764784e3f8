import { randomBytes } from 'node:crypto';
import { isFsError } from '../errors/index.js';
import type { VolumeMeta } from '../meta/volume-meta.js';
import { type Attr, type Ino, ROOT_INO } from '../meta/types.js';
import { STAGER, STAGING_DIR, stagingLeftovers } from './staging-leftovers.js';
import type { Vfs } from './vfs.js';

export { STAGING_DIR } from './staging-leftovers.js';

/**
 * Where the front ends that take uploads (the S3 gateway, WebDAV) build them before they
 * appear, at `/.slicefs-staging` of the volume: `tmp/` holds objects and parts being received
 * (named `<session>-<random>`, renamed into place when complete), `multipart/` one directory
 * per multipart upload. Both are sticky and world-writable, like /tmp, so a server's POSIX
 * identity may use them whoever formatted the volume.
 */
export class Staging {
  private constructor(
    private readonly session: number,
    /** tmp/: uploads being received. */
    readonly tmp: Ino,
    /** multipart/: one directory per multipart upload. */
    readonly multipart: Ino,
  ) {}

  /** Creates the area if needed, and removes what servers whose session is gone left in tmp/. */
  static async open(vfs: Vfs, meta: VolumeMeta, log: (line: string) => void): Promise<Staging> {
    const top = await ensureDir(vfs, ROOT_INO, { name: STAGING_DIR, mode: 0o755 });
    const tmp = await ensureDir(vfs, top.ino, { name: 'tmp', mode: 0o1777 });
    const multipart = await ensureDir(vfs, top.ino, { name: 'multipart', mode: 0o1777 });
    const staging = new Staging(meta.session, tmp.ino, multipart.ino);
    const { removed } = await stagingLeftovers({ vfs, meta }, { delete: true, tmp: tmp.ino });
    if (removed) log(`removed ${removed} unfinished upload(s) left by servers that stopped`);
    return staging;
  }

  /** A fresh name in tmp/, tagged with this client's session. */
  newName(): Buffer {
    return Buffer.from(`${this.session}-${randomBytes(12).toString('hex')}`);
  }

  /** Removes a name from tmp/ (an upload that failed; a tree too); a name already gone is fine. */
  async discard(vfs: Vfs, name: Buffer): Promise<void> {
    const own = await vfs.lookup(STAGER, this.tmp, name).catch(() => undefined);
    if (own?.type === 'dir') await vfs.meta.removeTree(STAGER, { parent: this.tmp, name }).catch(() => undefined);
    else if (own) await vfs.unlink(STAGER, this.tmp, name).catch(() => undefined);
  }
}

async function ensureDir(vfs: Vfs, parent: Ino, spec: { name: string; mode: number }): Promise<Attr> {
  const name = Buffer.from(spec.name);
  try {
    return await vfs.lookup(STAGER, parent, name);
  } catch (err) {
    if (!isFsError(err, 'ENOENT')) throw err;
  }
  const made = await vfs.mkdir(STAGER, parent, name, spec.mode).catch((err: unknown) => {
    if (isFsError(err, 'EEXIST')) return vfs.lookup(STAGER, parent, name);
    throw err;
  });
  return made.mode === spec.mode ? made : vfs.setattr(STAGER, made.ino, { mode: spec.mode });
}
