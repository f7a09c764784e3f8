import type { Stream } from 'node:stream';
import { toBytes } from './node-args.js';

/** What Node's writeFile takes: bytes, a string, or an (async) iterable of them (a stream too). */
export type WritableData = string | NodeJS.ArrayBufferView | Iterable<string | NodeJS.ArrayBufferView> | AsyncIterable<string | NodeJS.ArrayBufferView> | Stream;

const isIterable = (d: unknown): d is Iterable<unknown> | AsyncIterable<unknown> =>
  typeof d === 'object' && d !== null && !ArrayBuffer.isView(d) && (Symbol.iterator in d || Symbol.asyncIterator in d);

/** Writes `data` piece by piece through `write`, as Node's writeFile does (strings in `encoding`). */
export async function writeAll(
  data: unknown,
  options: { encoding?: BufferEncoding | 'buffer' | null; signal?: AbortSignal },
  write: (bytes: Buffer) => Promise<unknown>,
): Promise<void> {
  options.signal?.throwIfAborted();
  if (!isIterable(data)) {
    const bytes = toBytes(data, options.encoding);
    if (bytes.length) await write(bytes);
    return;
  }
  for await (const piece of data as AsyncIterable<unknown>) {
    options.signal?.throwIfAborted();
    const bytes = toBytes(piece, options.encoding);
    if (bytes.length) await write(bytes);
  }
}
