import { createHash } from 'node:crypto';
import { isFsError } from '../errors/index.js';
import { RENAME_NOREPLACE } from '../meta/meta.js';
import type { Attr } from '../meta/types.js';
import { O_CREAT, O_EXCL, O_WRONLY } from '../vfs/open-flags.js';
import { makeDirectories } from '../vfs/paths.js';
import { isBucketName, keyPath } from './object-keys.js';
import { s3Error, toS3Error } from './s3-error.js';
import type { GatewayContext } from './s3-request.js';

/** Writes are gathered into pieces of this size before they go to the vfs. */
const WRITE_PIECE = 1024 * 1024;

/** The bucket's directory; NoSuchBucket if it is missing, not a directory, or not a valid bucket name. */
export async function resolveBucket(gw: GatewayContext, bucket: string): Promise<Attr> {
  // Only valid bucket names are buckets: never the staging area, the trash or a name with '/'.
  if (!isBucketName(bucket)) throw s3Error('NoSuchBucket', { resource: bucket });
  const attr = await gw.meta.resolve(gw.caller, `/${bucket}`).catch((err: unknown) => {
    throw toS3Error(err, { missing: 'NoSuchBucket', resource: bucket });
  });
  if (attr.type !== 'dir') throw s3Error('NoSuchBucket', { resource: bucket });
  return attr;
}

/** The file a key names (a directory for keys ending in '/'); NoSuchKey otherwise. Symlinks are followed. */
export async function resolveObject(gw: GatewayContext, spec: { bucket: string; key: string }): Promise<Attr> {
  const { directory } = keyPath(spec.key);
  if (!isBucketName(spec.bucket)) throw s3Error('NoSuchBucket', { resource: spec.bucket });
  const resource = `/${spec.bucket}/${spec.key}`;
  // One lookup of the whole path; the bucket is looked at only to tell NoSuchBucket from NoSuchKey.
  const attr = await gw.meta.resolve(gw.caller, resource).catch(async (err: unknown) => {
    if (!isFsError(err, 'ENOENT') && !isFsError(err, 'ENOTDIR')) throw toS3Error(err, { resource });
    await resolveBucket(gw, spec.bucket);
    throw s3Error('NoSuchKey', { resource });
  });
  if (attr.type !== (directory ? 'dir' : 'file')) throw s3Error('NoSuchKey', { resource });
  return attr;
}

/** An upload received into the staging area, not yet visible. */
export interface StagedFile {
  name: Buffer;
  attr: Attr;
  md5: Buffer;
}

/**
 * Receives a body into a new file in the staging area, streaming it into the vfs (the body is
 * pulled as the writes are accepted); on any failure the file is removed.
 */
export async function receiveFile(gw: GatewayContext, body: AsyncIterable<Buffer>): Promise<StagedFile> {
  const name = gw.staging.newName();
  const { handle } = await gw.vfs.create(gw.caller, { parent: gw.staging.tmp, name }, { mode: 0o666, flags: O_WRONLY | O_CREAT | O_EXCL });
  const md5 = createHash('md5');
  let closed = false;
  try {
    let offset = 0;
    let gathered: Buffer[] = [];
    let size = 0;
    const put = async () => {
      const data = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered);
      gathered = [];
      size = 0;
      await gw.vfs.write(handle.fh, offset, data);
      offset += data.length;
    };
    for await (const piece of body) {
      md5.update(piece);
      gathered.push(piece);
      size += piece.length;
      if (size >= WRITE_PIECE) await put();
    }
    if (size) await put();
    closed = true;
    await gw.vfs.release(handle.fh);
    return { name, attr: await gw.vfs.getattr(handle.ino), md5: md5.digest() };
  } catch (err) {
    if (!closed) await gw.vfs.release(handle.fh).catch(() => undefined);
    await gw.staging.discard(gw.vfs, name);
    throw err;
  }
}

/** An empty file in the staging area (the target of clones and joined parts). */
export async function createStaged(gw: GatewayContext): Promise<{ name: Buffer; attr: Attr }> {
  const name = gw.staging.newName();
  const { handle, attr } = await gw.vfs.create(gw.caller, { parent: gw.staging.tmp, name }, { mode: 0o666, flags: O_WRONLY | O_CREAT | O_EXCL });
  await gw.vfs.release(handle.fh);
  return { name, attr };
}

/**
 * Makes a staged file the object at `key`: creates the key's directories, then renames it into
 * place in one step, replacing an older object (with `noReplace`, If-None-Match: *, the step
 * fails with PreconditionFailed if the key exists). Until then no client sees it.
 */
export async function publish(gw: GatewayContext, staged: { name: Buffer }, at: { bucket: string; key: string; noReplace?: boolean }): Promise<void> {
  const resource = `/${at.bucket}/${at.key}`;
  try {
    const { parts } = keyPath(at.key);
    for (let attempt = 1; ; attempt++) {
      const bucket = await resolveBucket(gw, at.bucket);
      try {
        const parent = parts.length > 1 ? await makeDirectories(gw.vfs, gw.caller, [Buffer.from(at.bucket), ...parts.slice(0, -1)]) : bucket;
        const flags = at.noReplace ? RENAME_NOREPLACE : 0;
        await gw.vfs.rename(gw.caller, { parent: gw.staging.tmp, name: staged.name, newParent: parent.ino, newName: parts[parts.length - 1]!, flags });
        return;
      } catch (err) {
        // A delete removing the key's emptied directories meanwhile: make them again.
        if (!isFsError(err, 'ENOENT') || attempt === 3) throw err;
      }
    }
  } catch (err) {
    await gw.staging.discard(gw.vfs, staged.name);
    if (at.noReplace && isFsError(err, 'EEXIST')) throw s3Error('PreconditionFailed', { resource });
    throw toS3Error(err, { missing: 'NoSuchBucket', resource });
  }
}

/**
 * DeleteObject: unlinks the key's file (a missing key is no error, as on S3), then removes the
 * directories it leaves empty up to the bucket, so their prefixes disappear as on S3.
 */
export async function removeObject(gw: GatewayContext, at: { bucket: string; key: string }): Promise<void> {
  const resource = `/${at.bucket}/${at.key}`;
  const { parts, directory } = keyPath(at.key);
  const dirs: Attr[] = [];
  try {
    let dir = await resolveBucket(gw, at.bucket);
    for (const name of parts.slice(0, -1)) {
      dirs.push(dir);
      dir = await gw.vfs.lookup(gw.caller, dir.ino, name);
      if (dir.type !== 'dir') return;
    }
    dirs.push(dir);
    const last = parts[parts.length - 1]!;
    if (directory) await gw.vfs.rmdir(gw.caller, dir.ino, last);
    else {
      const attr = await gw.vfs.lookup(gw.caller, dir.ino, last);
      if (attr.type === 'dir') return; // a key names no object where a directory is
      await gw.vfs.unlink(gw.caller, dir.ino, last);
    }
  } catch (err) {
    if (isFsError(err, 'ENOENT') || isFsError(err, 'ENOTEMPTY')) return;
    throw toS3Error(err, { resource });
  }
  for (let i = dirs.length - 1; i >= 1; i--) {
    const ok = await gw.vfs.rmdir(gw.caller, dirs[i - 1]!.ino, parts[i - 1]!).then(() => true, () => false);
    if (!ok) break;
  }
}
