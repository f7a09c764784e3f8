import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isFsError } from '../errors/index.js';
import type { Attr, Caller } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { s3Error } from './s3-error.js';

/** Extended attributes the gateway keeps an object's S3 metadata in. */
export const XATTR_CONTENT_TYPE = 'user.s3.content-type';
export const XATTR_USER_METADATA = 'user.s3.meta';
export const XATTR_ETAG = 'user.s3.etag';

/** S3's limit on the user metadata of one object. */
const MAX_USER_METADATA_BYTES = 2048;
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** What S3 keeps beside an object's bytes. */
export interface ObjectMetadata {
  contentType?: string;
  /** x-amz-meta-* headers, by lower-case name without the prefix. */
  user: Record<string, string>;
}

/** The content type and x-amz-meta-* headers of a request. */
export function metadataFromHeaders(headers: IncomingHttpHeaders): ObjectMetadata {
  const user: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    user[name.slice('x-amz-meta-'.length)] = text;
    size += name.length - 'x-amz-meta-'.length + Buffer.byteLength(text);
  }
  if (size > MAX_USER_METADATA_BYTES) throw s3Error('MetadataTooLarge', { message: `user metadata is over ${MAX_USER_METADATA_BYTES} bytes` });
  const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined;
  return { contentType, user };
}

/** The ETag as it is bound to the bytes it was computed for: a later write (through a mount) makes a new one. */
const etagStamp = (attr: Attr) => `${attr.mtime.sec}.${attr.mtime.nsec} ${attr.length}`;

/** An ETag for a file the gateway did not write (or that changed since): not an MD5, but it changes when the file does. */
const derivedEtag = (attr: Attr) => createHash('md5').update(`${attr.ino} ${etagStamp(attr)}`).digest('hex');

/**
 * Stores an object's metadata and ETag (for the bytes `attr` describes) as extended attributes.
 * `fresh`: a new file with none yet (nothing to remove).
 */
export async function writeObjectMetadata(vfs: Vfs, caller: Caller, spec: { attr: Attr; etag: string; metadata: ObjectMetadata; fresh?: boolean }): Promise<void> {
  const { attr, etag, metadata } = spec;
  const absent = (err: unknown) => (isFsError(err, 'ENODATA') ? undefined : Promise.reject(err));
  await vfs.setxattr(caller, attr.ino, XATTR_ETAG, Buffer.from(`${etag} ${etagStamp(attr)}`));
  if (metadata.contentType) await vfs.setxattr(caller, attr.ino, XATTR_CONTENT_TYPE, Buffer.from(metadata.contentType));
  else if (!spec.fresh) await vfs.removexattr(caller, attr.ino, XATTR_CONTENT_TYPE).catch(absent);
  if (Object.keys(metadata.user).length) await vfs.setxattr(caller, attr.ino, XATTR_USER_METADATA, Buffer.from(JSON.stringify(metadata.user)));
  else if (!spec.fresh) await vfs.removexattr(caller, attr.ino, XATTR_USER_METADATA).catch(absent);
}

/** Rebinds a stored ETag to a copy's own times (a clone has new times, the same bytes). */
export async function rebindEtag(vfs: Vfs, caller: Caller, spec: { attr: Attr; etag: string }): Promise<void> {
  await vfs.setxattr(caller, spec.attr.ino, XATTR_ETAG, Buffer.from(`${spec.etag} ${etagStamp(spec.attr)}`));
}

/** An object's ETag (unquoted) and metadata, from its extended attributes. */
export async function readObjectMetadata(vfs: Vfs, caller: Caller, attr: Attr): Promise<ObjectMetadata & { etag: string }> {
  // Missing attributes answer ENODATA: three reads, no listing first.
  const get = async (name: string) =>
    (await vfs.getxattr(caller, attr.ino, name).catch((err: unknown) => (isFsError(err, 'ENODATA') ? undefined : Promise.reject(err))))?.toString();
  const [stamped, contentType, user] = await Promise.all([get(XATTR_ETAG), get(XATTR_CONTENT_TYPE), get(XATTR_USER_METADATA)]);
  let etag = derivedEtag(attr);
  if (stamped) {
    const space = stamped.indexOf(' ');
    if (space > 0 && stamped.slice(space + 1) === etagStamp(attr)) etag = stamped.slice(0, space);
  }
  let parsed: Record<string, string> = {};
  try {
    parsed = user ? (JSON.parse(user) as Record<string, string>) : {};
  } catch {
    parsed = {};
  }
  return { etag, contentType, user: parsed };
}

