import type { Attr } from '../meta/types.js';
import { checkConditions } from './conditions.js';
import { readObjectMetadata, type ObjectMetadata } from './object-metadata.js';
import { resolveObject } from './object-files.js';
import { s3Error } from './s3-error.js';
import type { GatewayContext, S3Request } from './s3-request.js';

/** The object an x-amz-copy-source header names, checked against its x-amz-copy-source-if-* headers. */
export interface CopySource {
  bucket: string;
  key: string;
  attr: Attr;
  etag: string;
  metadata: ObjectMetadata;
}

/** Parses and resolves `x-amz-copy-source` (`[/]bucket/key`, URL-encoded; versions are not kept). */
export async function resolveCopySource(gw: GatewayContext, r: S3Request): Promise<CopySource> {
  const header = String(r.req.headers['x-amz-copy-source'] ?? '');
  const [path, query] = header.split('?', 2);
  if (query && query !== 'versionId=null') throw s3Error('NotImplemented', { message: 'object versions are not kept by this gateway' });
  let decoded: string;
  try {
    decoded = decodeURIComponent(path!.replace(/^\//, ''));
  } catch {
    throw s3Error('InvalidArgument', { message: 'x-amz-copy-source is not valid percent-encoding' });
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw s3Error('InvalidArgument', { message: 'x-amz-copy-source must be bucket/key' });
  const bucket = decoded.slice(0, slash);
  const key = decoded.slice(slash + 1);
  const attr = await resolveObject(gw, { bucket, key });
  if (attr.type !== 'file') throw s3Error('InvalidRequest', { message: 'a directory marker cannot be copied' });
  const { etag, ...metadata } = await readObjectMetadata(gw.vfs, gw.caller, attr);
  checkConditions(r.req.headers, { attr, etag, prefix: 'x-amz-copy-source-' });
  return { bucket, key, attr, etag, metadata };
}
