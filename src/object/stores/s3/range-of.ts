import type { ByteRange } from '../../object-store.js';

/**
 * The requested bytes out of a ranged GET's body. S3 sends exactly the range, but some
 * S3-compatible servers send more (s3rver reads `bytes=0-0` as the whole object) or ignore
 * Range altogether (200, no Content-Range); the body's start is taken from Content-Range.
 */
export function rangeOf(body: Buffer, where: { requested: ByteRange; contentRange: string | undefined }): Buffer {
  const start = Number(/^bytes (\d+)-/.exec(where.contentRange ?? '')?.[1] ?? 0);
  const from = where.requested.offset - start;
  const to = where.requested.length === undefined ? body.length : from + where.requested.length;
  return from === 0 && to >= body.length ? body : body.subarray(from, to);
}
