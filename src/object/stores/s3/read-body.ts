import { FsError } from '../../../errors/index.js';

/**
 * Reads a response body into one buffer. A body that ends before `expected` bytes (the
 * connection dropped mid-object) is a transient EIO, so the retry wrapper fetches it again
 * instead of anyone seeing short data.
 */
export async function readBody(body: unknown, where: { key: string; expected: number | undefined }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  if (body) {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      length += chunk.byteLength;
    }
  }
  if (where.expected !== undefined && length !== where.expected) {
    const cause = Object.assign(new Error(`body ended after ${length} of ${where.expected} bytes`), { transient: true });
    throw new FsError('EIO', { syscall: 'get', path: where.key, detail: cause.message, cause });
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}
