import { createHash } from 'node:crypto';
import { s3Error } from './s3-error.js';
import { type Authorization, chunkSignature, sameSignature } from './sigv4.js';

const MAX_LINE = 4096;
const CRLF = Buffer.from('\r\n');

/** Whether a payload mode is an aws-chunked body, and whether its chunks are signed. */
export function chunkedMode(payloadHash: string): 'signed' | 'unsigned' | undefined {
  if (payloadHash === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' || payloadHash === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') return 'signed';
  if (payloadHash === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') return 'unsigned';
  if (payloadHash.startsWith('STREAMING-')) throw s3Error('NotImplemented', { message: `x-amz-content-sha256 ${payloadHash} is not supported` });
  return undefined;
}

const malformed = (why: string) => s3Error('IncompleteBody', { message: `malformed aws-chunked body: ${why}` });

/**
 * Decodes an aws-chunked body (`hex-size[;chunk-signature=…]\r\n data \r\n … 0…\r\n trailers \r\n`)
 * into its data, in the pieces it arrives in: memory stays bounded by one network read. With
 * signed chunks each chunk's signature is checked, chained from the request's seed signature;
 * a chunk that fails ends the stream with SignatureDoesNotMatch (the caller discards what it wrote).
 */
export async function* decodeAwsChunked(body: AsyncIterable<Buffer>, spec: { auth: Authorization; signed: boolean }): AsyncGenerator<Buffer> {
  const input = body[Symbol.asyncIterator]();
  try {
    yield* decode(input, spec);
  } finally {
    // Stop reading (a failed check, a consumer that stopped): the source is released, not left half-read.
    await input.return?.();
  }
}

async function* decode(input: AsyncIterator<Buffer>, spec: { auth: Authorization; signed: boolean }): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let previous = spec.auth.signature;
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await input.next();
    if (next.done) return !(ended = true);
    pending = pending.length ? Buffer.concat([pending, next.value]) : next.value;
    return true;
  };
  const line = async (): Promise<string> => {
    for (;;) {
      const at = pending.indexOf(CRLF);
      if (at >= 0) {
        const text = pending.subarray(0, at).toString('latin1');
        pending = pending.subarray(at + 2);
        return text;
      }
      if (pending.length > MAX_LINE) throw malformed('chunk header too long');
      if (!(await more())) throw malformed('body ended inside a chunk header');
    }
  };
  for (;;) {
    const header = await line();
    const m = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(header);
    if (!m) throw malformed(`bad chunk header '${header.slice(0, 80)}'`);
    if (spec.signed && !m[2]) throw malformed('chunk without a signature');
    const size = parseInt(m[1]!, 16);
    const hash = createHash('sha256');
    for (let left = size; left > 0; ) {
      if (pending.length === 0 && !(await more())) throw malformed('body ended inside a chunk');
      const piece = pending.subarray(0, Math.min(left, pending.length));
      pending = pending.subarray(piece.length);
      left -= piece.length;
      if (spec.signed) hash.update(piece);
      if (piece.length) yield piece;
    }
    if (spec.signed) {
      const expected = chunkSignature(spec.auth, { previous, chunkSha256: hash.digest('hex') });
      if (!sameSignature(expected, m[2]!)) throw s3Error('SignatureDoesNotMatch', { message: 'an aws-chunked chunk signature does not match' });
      previous = expected;
    }
    if (size === 0) break;
    while (pending.length < 2) if (!(await more())) throw malformed('body ended after a chunk');
    if (!pending.subarray(0, 2).equals(CRLF)) throw malformed('chunk data longer than its size');
    pending = pending.subarray(2);
  }
  // Trailers (checksums, a trailer signature), then an empty line; an unsigned body without
  // trailers may end right after the last chunk's header.
  for (;;) {
    if (pending.length === 0 && !(await more())) break;
    const text = await line();
    if (text === '') break;
    if (!/^[A-Za-z0-9-]+:/.test(text)) throw malformed('bad trailer');
  }
  if (pending.length || (await more())) throw malformed('data after the last chunk');
}
