import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { chunkedMode, decodeAwsChunked } from './aws-chunked.js';
import { s3Error } from './s3-error.js';
import type { Authorization } from './sigv4.js';

/** The length a body must have: the decoded length of aws-chunked bodies, else Content-Length. */
export function declaredLength(req: IncomingMessage, auth: Authorization): number | undefined {
  const header = chunkedMode(auth.payloadHash) ? req.headers['x-amz-decoded-content-length'] : req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  if (!Number.isSafeInteger(n) || n < 0) throw s3Error('InvalidArgument', { message: 'the content length is not a whole number' });
  return n;
}

/**
 * A request's payload as it arrives: aws-chunked bodies decoded (chunk signatures checked), a
 * hex x-amz-content-sha256 checked at the end, and the length checked against the declared one
 * (IncompleteBody). Reading it pulls from the socket: a slow consumer slows the client.
 */
export async function* requestBody(req: IncomingMessage, auth: Authorization): AsyncGenerator<Buffer> {
  const mode = chunkedMode(auth.payloadHash);
  const expected = declaredLength(req, auth);
  // Not destroyed when reading stops early (a failed check): the rest is drained, and the
  // client reads the error instead of a reset connection.
  const raw = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
  const source: AsyncIterable<Buffer> = mode ? decodeAwsChunked(raw, { auth, signed: mode === 'signed' }) : raw;
  const hash = /^[0-9a-f]{64}$/.test(auth.payloadHash) ? createHash('sha256') : undefined;
  let received = 0;
  try {
    for await (const piece of source) {
      received += piece.length;
      if (expected !== undefined && received > expected) throw s3Error('IncompleteBody', { message: 'the body is longer than its declared length' });
      hash?.update(piece);
      yield piece;
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ECONNRESET') throw s3Error('IncompleteBody', { message: 'the client closed the connection before the body was complete' });
    throw err;
  }
  if (expected !== undefined && received !== expected) throw s3Error('IncompleteBody');
  if (hash && hash.digest('hex') !== auth.payloadHash) throw s3Error('XAmzContentSHA256Mismatch');
}

/** A small body (XML requests), at most `limit` bytes. */
export async function readSmallBody(req: IncomingMessage, spec: { auth: Authorization; limit: number }): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of requestBody(req, spec.auth)) {
    size += piece.length;
    if (size > spec.limit) throw s3Error('MalformedXML', { message: `the request body is over ${spec.limit} bytes` });
    pieces.push(piece);
  }
  return Buffer.concat(pieces);
}
