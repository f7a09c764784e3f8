import { randomBytes } from 'node:crypto';
import { isFsError } from '../errors/index.js';
import type { Attr } from '../meta/types.js';
import type { ObjectMetadata } from './object-metadata.js';
import { s3Error, toS3Error } from './s3-error.js';
import type { GatewayContext, S3Request } from './s3-request.js';

/** The extended attribute of an upload's directory: what the upload is for. */
const XATTR_UPLOAD = 'user.s3.upload';

/** A multipart upload: a directory `multipart/<id>` in the staging area holding one file per part. */
export interface Upload {
  id: string;
  dir: Attr;
  bucket: string;
  key: string;
  initiated: string;
  metadata: ObjectMetadata;
}

/** Part files are named by their number, zero-padded so names sort as numbers. */
export const partName = (n: number) => Buffer.from(String(n).padStart(5, '0'));

/** Starts an upload: its directory (mode 0700, owned by the gateway's identity) and what it is for. */
export async function createUpload(gw: GatewayContext, spec: { bucket: string; key: string; metadata: ObjectMetadata }): Promise<string> {
  const id = randomBytes(16).toString('hex');
  const dir = await gw.vfs.mkdir(gw.caller, gw.staging.multipart, Buffer.from(id), 0o700);
  const record = { bucket: spec.bucket, key: spec.key, initiated: new Date().toISOString(), metadata: spec.metadata };
  try {
    await gw.vfs.setxattr(gw.caller, dir.ino, XATTR_UPLOAD, Buffer.from(JSON.stringify(record)));
  } catch (err) {
    await gw.vfs.rmdir(gw.caller, gw.staging.multipart, Buffer.from(id)).catch(() => undefined);
    throw err;
  }
  return id;
}

async function readUpload(gw: GatewayContext, id: string): Promise<Upload | undefined> {
  try {
    const dir = await gw.vfs.lookup(gw.caller, gw.staging.multipart, Buffer.from(id));
    const record = JSON.parse((await gw.vfs.getxattr(gw.caller, dir.ino, XATTR_UPLOAD)).toString()) as Omit<Upload, 'id' | 'dir'>;
    return { id, dir, ...record };
  } catch (err) {
    if (isFsError(err) || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** The upload a request's uploadId names, for its bucket and key; NoSuchUpload otherwise. */
export async function findUpload(gw: GatewayContext, r: S3Request): Promise<Upload> {
  const id = r.query.get('uploadId') ?? '';
  const upload = /^[0-9a-f]{32}$/.test(id) ? await readUpload(gw, id) : undefined;
  if (!upload || upload.bucket !== r.bucket || upload.key !== r.key) throw s3Error('NoSuchUpload', { resource: id });
  return upload;
}

/** Every upload in progress (of any bucket), sorted by key then initiation. */
export async function listUploads(gw: GatewayContext): Promise<Upload[]> {
  const uploads: Upload[] = [];
  let after: Buffer | undefined;
  do {
    const page = await gw.vfs.readdir(gw.caller, gw.staging.multipart, { after });
    for (const e of page.entries) {
      const upload = await readUpload(gw, e.name.toString());
      if (upload) uploads.push(upload);
    }
    after = page.next;
  } while (after);
  return uploads.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || a.initiated.localeCompare(b.initiated) || a.id.localeCompare(b.id));
}

/** Removes an upload's directory and parts (their slices go with the last reference). */
export async function removeUpload(gw: GatewayContext, upload: Upload): Promise<void> {
  await gw.meta.removeTree(gw.caller, { parent: gw.staging.multipart, name: Buffer.from(upload.id) }).catch((err: unknown) => {
    if (!isFsError(err, 'ENOENT')) throw toS3Error(err);
  });
}

/** The upload's parts by number: the part files as they are now. */
export async function listPartFiles(gw: GatewayContext, upload: Upload): Promise<Array<{ number: number; attr: Attr }>> {
  const parts: Array<{ number: number; attr: Attr }> = [];
  let after: Buffer | undefined;
  do {
    const page = await gw.vfs.readdir(gw.caller, upload.dir.ino, { after, plus: true });
    for (const e of page.entries) {
      const number = Number(e.name.toString());
      if (e.attr && e.type === 'file' && Number.isInteger(number)) parts.push({ number, attr: e.attr });
    }
    after = page.next;
  } while (after);
  return parts.sort((a, b) => a.number - b.number);
}
