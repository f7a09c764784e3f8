import { resolveCopySource } from '../copy-source.js';
import { metadataFromHeaders, writeObjectMetadata } from '../object-metadata.js';
import { keyPath } from '../object-keys.js';
import { publish, resolveBucket } from '../object-files.js';
import { s3Error, toS3Error } from '../s3-error.js';
import { type GatewayContext, isoTime, type S3Request, sendXml } from '../s3-request.js';
import { xmlDocument } from '../xml.js';
import { createOnly, refuseUnsupportedHeaders } from './put-object.js';

/**
 * CopyObject as a clone: the copy gets its own inode whose chunk records share the source's
 * slices (no byte is read or written, memory is constant whatever the size), built in the
 * staging area and renamed into place. Same or another bucket.
 */
export async function copyObject(gw: GatewayContext, r: S3Request): Promise<void> {
  refuseUnsupportedHeaders(r);
  const { bucket, key } = { bucket: r.bucket!, key: r.key! };
  if (keyPath(key).directory) throw s3Error('InvalidRequest', { message: 'a copy cannot target a directory marker' });
  await resolveBucket(gw, bucket);
  const noReplace = createOnly(r);
  const source = await resolveCopySource(gw, r);
  const directive = String(r.req.headers['x-amz-metadata-directive'] ?? 'COPY');
  if (directive !== 'COPY' && directive !== 'REPLACE') throw s3Error('InvalidArgument', { message: 'x-amz-metadata-directive must be COPY or REPLACE' });
  if (source.bucket === bucket && source.key === key && directive === 'COPY') {
    throw s3Error('InvalidRequest', { message: "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata." });
  }
  const metadata = directive === 'REPLACE' ? metadataFromHeaders(r.req.headers) : source.metadata;
  const name = gw.staging.newName();
  const attr = await gw.meta.clone(gw.caller, { src: source.attr.ino, parent: gw.staging.tmp, name }).catch((err: unknown) => {
    throw toS3Error(err, { resource: `/${source.bucket}/${source.key}` });
  });
  try {
    await writeObjectMetadata(gw.vfs, gw.caller, { attr, etag: source.etag, metadata });
  } catch (err) {
    await gw.staging.discard(gw.vfs, name);
    throw toS3Error(err);
  }
  await publish(gw, { name }, { bucket, key, noReplace });
  sendXml(r, xmlDocument('CopyObjectResult', [['LastModified', isoTime(attr.mtime)], ['ETag', `"${source.etag}"`]]));
}
