import { createHash } from 'node:crypto';
import { isFsError } from '../../errors/index.js';
import { R_OK } from '../../meta/meta.js';
import { resolveCopySource } from '../copy-source.js';
import { metadataFromHeaders, readObjectMetadata, writeObjectMetadata } from '../object-metadata.js';
import { keyPath } from '../object-keys.js';
import { createStaged, publish, receiveFile, resolveBucket } from '../object-files.js';
import { createUpload, findUpload, type Upload, listPartFiles, partName, removeUpload } from '../multipart-uploads.js';
import { declaredLength, readSmallBody, requestBody } from '../request-body.js';
import { s3Error, toS3Error } from '../s3-error.js';
import { type GatewayContext, isoTime, type S3Request, sendEmpty, sendXml } from '../s3-request.js';
import { childrenNamed, childText, parseXml, type XmlNode, xmlDocument } from '../xml.js';
import { contentMd5, createOnly, refuseUnsupportedHeaders } from './put-object.js';

const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10000;

function partNumber(r: S3Request): number {
  const n = Number(r.query.get('partNumber'));
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS) throw s3Error('InvalidArgument', { message: `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive` });
  return n;
}

/** CreateMultipartUpload: a directory in the staging area with the object's future metadata. */
export async function createMultipartUpload(gw: GatewayContext, r: S3Request): Promise<void> {
  refuseUnsupportedHeaders(r);
  if (keyPath(r.key!).directory) throw s3Error('InvalidArgument', { message: 'a key ending in / names a directory' });
  await resolveBucket(gw, r.bucket!);
  const id = await createUpload(gw, { bucket: r.bucket!, key: r.key!, metadata: metadataFromHeaders(r.req.headers) }).catch((err: unknown) => {
    throw toS3Error(err);
  });
  sendXml(r, xmlDocument('InitiateMultipartUploadResult', [['Bucket', r.bucket!], ['Key', r.key!], ['UploadId', id]]));
}

/** Moves a staged part into its upload (replacing an earlier one of the same number). */
async function placePart(gw: GatewayContext, spec: { staged: Buffer; upload: Upload; number: number }): Promise<void> {
  try {
    await gw.vfs.rename(gw.caller, { parent: gw.staging.tmp, name: spec.staged, newParent: spec.upload.dir.ino, newName: partName(spec.number) });
  } catch (err) {
    await gw.staging.discard(gw.vfs, spec.staged);
    throw isFsError(err, 'ENOENT') ? s3Error('NoSuchUpload') : toS3Error(err);
  }
}

/** UploadPart: received like an object into the staging area, then moved into the upload's directory. */
export async function uploadPart(gw: GatewayContext, r: S3Request): Promise<void> {
  const number = partNumber(r);
  if (r.req.headers['x-amz-copy-source'] !== undefined) return uploadPartCopy(gw, r, number);
  if (declaredLength(r.req, r.auth) === undefined) throw s3Error('MissingContentLength');
  const digest = contentMd5(r);
  const upload = await findUpload(gw, r);
  const staged = await receiveFile(gw, requestBody(r.req, r.auth));
  const etag = staged.md5.toString('hex');
  try {
    if (digest && !digest.equals(staged.md5)) throw s3Error('BadDigest');
    await writeObjectMetadata(gw.vfs, gw.caller, { attr: staged.attr, etag, metadata: { user: {} }, fresh: true });
  } catch (err) {
    await gw.staging.discard(gw.vfs, staged.name);
    throw toS3Error(err);
  }
  await placePart(gw, { staged: staged.name, upload, number });
  sendEmpty(r, 200, { etag: `"${etag}"` });
}

/** UploadPartCopy: the part shares the source range's slices (copy_file_range in the engine); no byte moves. */
async function uploadPartCopy(gw: GatewayContext, r: S3Request, number: number): Promise<void> {
  const upload = await findUpload(gw, r);
  const source = await resolveCopySource(gw, r);
  await gw.vfs.access(gw.caller, source.attr.ino, R_OK).catch((err: unknown) => {
    throw toS3Error(err);
  });
  const size = source.attr.length;
  let start = 0;
  let end = size - 1;
  const range = r.req.headers['x-amz-copy-source-range'];
  if (range !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(String(range));
    if (!m || Number(m[2]) < Number(m[1])) throw s3Error('InvalidArgument', { message: 'x-amz-copy-source-range must be bytes=first-last' });
    [start, end] = [Number(m[1]), Number(m[2])];
    if (end >= size) throw s3Error('InvalidRange', { message: `The x-amz-copy-source-range is outside the source object (size ${size})` });
  }
  const staged = await createStaged(gw);
  // Not an MD5 of the bytes (that would need reading them): a tag of the source and range.
  const etag = createHash('md5').update(`${source.etag} ${start}-${end}`).digest('hex');
  try {
    if (end >= start) await gw.meta.copyRange({ src: source.attr.ino, srcOffset: start, dst: staged.attr.ino, dstOffset: 0, length: end - start + 1 });
    await writeObjectMetadata(gw.vfs, gw.caller, { attr: await gw.vfs.getattr(staged.attr.ino), etag, metadata: { user: {} }, fresh: true });
  } catch (err) {
    await gw.staging.discard(gw.vfs, staged.name);
    throw toS3Error(err);
  }
  await placePart(gw, { staged: staged.name, upload, number });
  const attr = await gw.vfs.getattr(staged.attr.ino);
  sendXml(r, xmlDocument('CopyPartResult', [['LastModified', isoTime(attr.mtime)], ['ETag', `"${etag}"`]]));
}

/** The parts a CompleteMultipartUpload body lists, checked for order. */
async function requestedParts(r: S3Request): Promise<Array<{ number: number; etag: string }>> {
  const doc = parseXml((await readSmallBody(r.req, { auth: r.auth, limit: 1024 * 1024 })).toString('utf8'));
  if (doc.name !== 'CompleteMultipartUpload') throw s3Error('MalformedXML', { message: 'the root element must be <CompleteMultipartUpload>' });
  const parts = childrenNamed(doc, 'Part').map((p) => ({ number: Number(childText(p, 'PartNumber')), etag: (childText(p, 'ETag') ?? '').replace(/^"|"$/g, '') }));
  if (parts.length === 0 || parts.some((p) => !Number.isInteger(p.number))) throw s3Error('MalformedXML', { message: 'each <Part> needs a <PartNumber>' });
  for (let i = 1; i < parts.length; i++) if (parts[i]!.number <= parts[i - 1]!.number) throw s3Error('InvalidPartOrder');
  return parts;
}

/**
 * CompleteMultipartUpload: the object is built by sharing each part's slice records at its
 * offset (copy_file_range in the engine, no data copied), then renamed into place; the upload's
 * directory goes.
 */
export async function completeMultipartUpload(gw: GatewayContext, r: S3Request): Promise<void> {
  const noReplace = createOnly(r);
  const upload = await findUpload(gw, r);
  const wanted = await requestedParts(r);
  const files = new Map((await listPartFiles(gw, upload)).map((p) => [p.number, p.attr]));
  const digests: Buffer[] = [];
  const chosen = [];
  for (const [i, part] of wanted.entries()) {
    const attr = files.get(part.number);
    const etag = attr && (await readObjectMetadata(gw.vfs, gw.caller, attr)).etag;
    if (!attr || etag !== part.etag) throw s3Error('InvalidPart', { message: `part ${part.number} was not uploaded or its ETag differs` });
    if (i < wanted.length - 1 && attr.length < MIN_PART_SIZE) throw s3Error('EntityTooSmall', { message: `part ${part.number} is smaller than 5 MiB and not the last` });
    digests.push(Buffer.from(etag, 'hex'));
    chosen.push(attr);
  }
  const staged = await createStaged(gw);
  const etag = `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${wanted.length}`;
  try {
    let offset = 0;
    for (const attr of chosen) {
      if (attr.length) await gw.meta.copyRange({ src: attr.ino, srcOffset: 0, dst: staged.attr.ino, dstOffset: offset, length: attr.length });
      offset += attr.length;
    }
    await writeObjectMetadata(gw.vfs, gw.caller, { attr: await gw.vfs.getattr(staged.attr.ino), etag, metadata: upload.metadata, fresh: true });
  } catch (err) {
    await gw.staging.discard(gw.vfs, staged.name);
    throw toS3Error(err);
  }
  await publish(gw, staged, { bucket: upload.bucket, key: upload.key, noReplace });
  await removeUpload(gw, upload);
  sendXml(r, xmlDocument('CompleteMultipartUploadResult', [
    ['Location', `/${upload.bucket}/${upload.key}`], ['Bucket', upload.bucket], ['Key', upload.key], ['ETag', `"${etag}"`],
  ]));
}

/** AbortMultipartUpload: removes the upload and its parts. */
export async function abortMultipartUpload(gw: GatewayContext, r: S3Request): Promise<void> {
  await removeUpload(gw, await findUpload(gw, r));
  sendEmpty(r, 204);
}

/** ListParts: part-number-marker and max-parts paging. */
export async function listParts(gw: GatewayContext, r: S3Request): Promise<void> {
  const upload = await findUpload(gw, r);
  const marker = Number(r.query.get('part-number-marker') ?? 0);
  const max = Math.min(Number(r.query.get('max-parts') ?? 1000), 1000);
  if (!Number.isInteger(marker) || !Number.isInteger(max) || max < 0) throw s3Error('InvalidArgument', { message: 'part-number-marker and max-parts must be whole numbers' });
  const all = (await listPartFiles(gw, upload)).filter((p) => p.number > marker);
  const page = all.slice(0, max);
  const parts: XmlNode[] = [];
  for (const p of page) {
    const { etag } = await readObjectMetadata(gw.vfs, gw.caller, p.attr);
    parts.push(['Part', [['PartNumber', p.number], ['LastModified', isoTime(p.attr.mtime)], ['ETag', `"${etag}"`], ['Size', p.attr.length]]]);
  }
  const truncated = all.length > page.length;
  sendXml(r, xmlDocument('ListPartsResult', [
    ['Bucket', upload.bucket], ['Key', upload.key], ['UploadId', upload.id],
    ['PartNumberMarker', marker],
    truncated ? ['NextPartNumberMarker', page[page.length - 1]?.number ?? marker] : undefined,
    ['MaxParts', max], ['IsTruncated', truncated], ['StorageClass', 'STANDARD'],
    ...parts,
  ]));
}
