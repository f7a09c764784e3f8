import { makeDirectories } from '../../vfs/paths.js';
import { keyPath } from '../object-keys.js';
import { metadataFromHeaders, writeObjectMetadata } from '../object-metadata.js';
import { publish, receiveFile, resolveBucket } from '../object-files.js';
import { declaredLength, requestBody } from '../request-body.js';
import { s3Error, toS3Error } from '../s3-error.js';
import { type GatewayContext, type S3Request, sendEmpty } from '../s3-request.js';

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/** Request headers asking for what this gateway does not do: answered NotImplemented, never ignored. */
export function refuseUnsupportedHeaders(r: S3Request): void {
  const h = r.req.headers;
  for (const name of Object.keys(h)) {
    if (name.startsWith('x-amz-server-side-encryption') || name.startsWith('x-amz-object-lock') || name === 'x-amz-tagging' || name === 'x-amz-website-redirect-location') {
      throw s3Error('NotImplemented', { message: `the header ${name} is not supported by this gateway` });
    }
  }
  const acl = h['x-amz-acl'];
  if (acl !== undefined && acl !== 'private' && acl !== 'bucket-owner-full-control') {
    throw s3Error('NotImplemented', { message: 'canned ACLs other than private are not supported (POSIX permissions apply)' });
  }
}

/**
 * Conditional writes: If-None-Match: * (create only, checked atomically by the final rename);
 * other conditions on a write are refused rather than ignored.
 */
export function createOnly(r: S3Request): boolean {
  const h = r.req.headers;
  if (h['if-match'] !== undefined || (h['if-none-match'] !== undefined && h['if-none-match'] !== '*')) {
    throw s3Error('NotImplemented', { message: 'conditional writes other than If-None-Match: * are not supported' });
  }
  return h['if-none-match'] === '*';
}

/** The Content-MD5 header as 16 bytes, or undefined; InvalidDigest when malformed. */
export function contentMd5(r: S3Request): Buffer | undefined {
  const text = r.req.headers['content-md5'];
  if (typeof text !== 'string') return undefined;
  const digest = Buffer.from(text, 'base64');
  if (digest.length !== 16 || digest.toString('base64') !== text.trim()) throw s3Error('InvalidDigest');
  return digest;
}

/**
 * PutObject: the body streams into a file in the staging area; when it is complete (length,
 * Content-MD5, payload hash and chunk signatures checked) its metadata is set and it is renamed
 * into place. An upload that fails at any byte leaves no object.
 */
export async function putObject(gw: GatewayContext, r: S3Request): Promise<void> {
  refuseUnsupportedHeaders(r);
  const { bucket, key } = { bucket: r.bucket!, key: r.key! };
  const path = keyPath(key);
  const length = declaredLength(r.req, r.auth);
  if (length === undefined) throw s3Error('MissingContentLength');
  const digest = contentMd5(r);
  const noReplace = createOnly(r);
  const metadata = metadataFromHeaders(r.req.headers);
  await resolveBucket(gw, bucket);
  if (path.directory) {
    if (length !== 0) throw s3Error('InvalidArgument', { message: 'a key ending in / names a directory: its body must be empty', resource: key });
    await makeDirectories(gw.vfs, gw.caller, [Buffer.from(bucket), ...path.parts]).catch((err: unknown) => {
      throw toS3Error(err, { resource: `/${bucket}/${key}` });
    });
    sendEmpty(r, 200, { etag: `"${EMPTY_MD5}"` });
    return;
  }
  const staged = await receiveFile(gw, requestBody(r.req, r.auth));
  try {
    if (digest && !digest.equals(staged.md5)) throw s3Error('BadDigest');
    await writeObjectMetadata(gw.vfs, gw.caller, { attr: staged.attr, etag: staged.md5.toString('hex'), metadata, fresh: true });
  } catch (err) {
    await gw.staging.discard(gw.vfs, staged.name);
    throw err;
  }
  await publish(gw, staged, { bucket, key, noReplace });
  sendEmpty(r, 200, { etag: `"${staged.md5.toString('hex')}"` });
}
