import { createInterface, type Interface } from 'node:readline';
import type { ReadStream, WriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';

/** What a stream needs of an open file: positioned reads and writes (null: the current position), and close. */
export interface StreamableHandle {
  read(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesRead: number; buffer: Buffer }>;
  write(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
  /** The volume path it was opened by (a stream's `path`). */
  readonly path?: string;
}

/** Node's fs.ReadStream/WriteStream fields on a handle's stream: `path`, `pending` (false: the handle is open), `close(cb)`. */
function fileStreamFields<S extends Readable | Writable>(stream: S, handle: StreamableHandle): S {
  return Object.assign(stream, {
    path: handle.path ?? '',
    pending: false,
    close(callback?: (err?: NodeJS.ErrnoException | null) => void) {
      if (callback) stream.once('close', () => callback(null));
      stream.destroy();
    },
  });
}

/** Node's createReadStream options that a handle's stream honours. */
export interface ReadStreamOptions {
  encoding?: BufferEncoding | null;
  /** Close the handle when the stream ends or fails (default true). */
  autoClose?: boolean;
  start?: number;
  /** Inclusive, as Node's. */
  end?: number;
  highWaterMark?: number;
  signal?: AbortSignal;
}
/** Node's createWriteStream options that a handle's stream honours. */
export interface WriteStreamOptions {
  encoding?: BufferEncoding | null;
  autoClose?: boolean;
  start?: number;
  highWaterMark?: number;
  signal?: AbortSignal;
}

/** A Readable over a handle: from `start` (or the handle's position) through `end`, in highWaterMark pieces. */
export function handleReadStream(handle: StreamableHandle, options: ReadStreamOptions = {}): ReadStream {
  const size = options.highWaterMark ?? 64 * 1024;
  const end = options.end ?? Infinity;
  let position: number | null = options.start ?? null;
  let read = 0;
  const autoClose = options.autoClose ?? true;
  const stream = new Readable({
    highWaterMark: size,
    encoding: options.encoding ?? undefined,
    signal: options.signal,
    read() {
      const want = Math.min(size, end - (options.start ?? 0) - read + 1);
      if (want <= 0) return void this.push(null);
      handle.read(Buffer.alloc(want), 0, want, position).then(
        ({ bytesRead, buffer }) => {
          read += bytesRead;
          (stream as unknown as { bytesRead: number }).bytesRead = read;
          if (position !== null) position += bytesRead;
          this.push(bytesRead ? buffer.subarray(0, bytesRead) : null);
        },
        (err: Error) => this.destroy(err),
      );
    },
    destroy(err, callback) {
      if (!autoClose) return callback(err);
      handle.close().then(() => callback(err), (closeErr: Error) => callback(err ?? closeErr));
    },
  });
  return fileStreamFields(Object.assign(stream, { bytesRead: 0 }), handle) as unknown as ReadStream;
}

/** A Writable into a handle from `start` (or the handle's position). */
export function handleWriteStream(handle: StreamableHandle, options: WriteStreamOptions = {}): WriteStream {
  let position: number | null = options.start ?? null;
  const autoClose = options.autoClose ?? true;
  let written = 0;
  const stream: Writable = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    defaultEncoding: options.encoding ?? 'utf8',
    signal: options.signal,
    write(chunk: Buffer, _encoding, callback) {
      handle.write(chunk, 0, chunk.length, position).then(({ bytesWritten }) => {
        if (position !== null) position += bytesWritten;
        written += bytesWritten;
        (stream as unknown as { bytesWritten: number }).bytesWritten = written;
        callback();
      }, callback);
    },
    final(callback) {
      if (!autoClose) return callback();
      handle.close().then(() => callback(), callback);
    },
    destroy(err, callback) {
      if (!autoClose || !err) return callback(err);
      handle.close().then(() => callback(err), () => callback(err));
    },
  });
  return fileStreamFields(Object.assign(stream, { bytesWritten: 0 }), handle) as unknown as WriteStream;
}

/** Lines of the file, as Node's FileHandle.readLines (readline over a read stream, any line ending). */
export function handleReadLines(handle: StreamableHandle, options?: ReadStreamOptions): Interface {
  return createInterface({ input: handleReadStream(handle, options), crlfDelay: Infinity });
}

/** A web ReadableStream of the file's bytes (the handle stays open, as Node's). */
export function handleWebStream(handle: StreamableHandle): ReadableStream {
  return Readable.toWeb(handleReadStream(handle, { autoClose: false })) as ReadableStream;
}
