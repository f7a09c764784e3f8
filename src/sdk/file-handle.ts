import type { BigIntStats, ObjectEncodingOptions, OpenMode, ReadStream, WriteStream } from 'node:fs';
import type { Interface as ReadlineInterface } from 'node:readline';
import type { ReadableStream } from 'node:stream/web';
import { FsError, toFsError } from '../errors/index.js';
import type { Caller, Ino } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { type ReadStreamOptions, type WriteStreamOptions, handleReadLines, handleReadStream, handleWebStream, handleWriteStream } from './handle-streams.js';
import { ArgumentError, decode, toBytes, toId, toMode, toOptions, toPosition } from './node-args.js';
import { statsOf, type VolumeStats } from './stats.js';
import { type TimeLike, toTimespec } from './times.js';
import { writeAll, type WritableData } from './write-data.js';

/** What Node's FileHandle.read takes as options. */
export interface ReadOptions<T extends NodeJS.ArrayBufferView = Buffer> {
  buffer?: T;
  offset?: number;
  length?: number;
  position?: number | bigint | null;
}
/** What Node's FileHandle.write(buffer, options) takes. */
export interface WriteOptions {
  offset?: number;
  length?: number;
  position?: number | null;
}

const asBuffer = (view: NodeJS.ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);
const isView = (v: unknown): v is NodeJS.ArrayBufferView => ArrayBuffer.isView(v);

function checkRange(view: NodeJS.ArrayBufferView, offset: number, length: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > view.byteLength) {
    throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "offset" is out of range. It must be >= 0 && <= ${view.byteLength}. Received ${offset}`);
  }
  if (!Number.isInteger(length) || length < 0 || length > view.byteLength - offset) {
    throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "length" is out of range. It must be >= 0 && <= ${view.byteLength - offset}. Received ${length}`);
  }
}

/**
 * An open file of a volume: Node's fs/promises FileHandle, with its overloads, its current
 * position for reads and writes without one, and its errors (syscall named, no path, as Node).
 */
export class VolumeFileHandle {
  private position = 0;
  private closed = false;

  constructor(
    private readonly vfs: Vfs,
    private readonly caller: Caller,
    private readonly opened: { fh: number; ino: Ino; path: string },
  ) {}

  /** The handle number (like a descriptor); -1 once closed, as Node's. */
  /** The volume path it was opened by (its streams' `path`). */
  get path(): string {
    return this.opened.path;
  }

  get fd(): number {
    return this.closed ? -1 : this.opened.fh;
  }

  /** Runs a call on the open handle; errors are shaped as Node's FileHandle errors (a syscall, no path). */
  private async call<T>(syscall: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new FsError('EBADF', { syscall, detail: 'file closed' });
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ArgumentError) throw err;
      const e = toFsError(err);
      throw new FsError(e.code, { syscall, detail: e.detail, cause: err });
    }
  }

  /** read(buffer, offset?, length?, position?), read(buffer, options), read(options) or read(). */
  read<T extends NodeJS.ArrayBufferView>(buffer: T, offset?: number | null, length?: number | null, position?: number | bigint | null): Promise<{ bytesRead: number; buffer: T }>;
  read<T extends NodeJS.ArrayBufferView>(buffer: T, options?: ReadOptions<T>): Promise<{ bytesRead: number; buffer: T }>;
  read<T extends NodeJS.ArrayBufferView = Buffer>(options?: ReadOptions<T>): Promise<{ bytesRead: number; buffer: T }>;
  read<T extends NodeJS.ArrayBufferView = Buffer>(
    bufferOrOptions?: T | ReadOptions<T>,
    offsetOrOptions?: number | ReadOptions<T> | null,
    length?: number | null,
    position?: number | bigint | null,
  ): Promise<{ bytesRead: number; buffer: T }> {
    let buffer: T;
    let options: ReadOptions<T> = {};
    if (isView(bufferOrOptions)) {
      buffer = bufferOrOptions;
      if (offsetOrOptions !== null && typeof offsetOrOptions === 'object') options = offsetOrOptions;
      else options = { offset: offsetOrOptions ?? undefined, length: length ?? undefined, position };
    } else {
      options = bufferOrOptions ?? {};
      buffer = options.buffer ?? (Buffer.alloc(16_384) as unknown as T);
    }
    const offset = options.offset ?? 0;
    const len = options.length ?? buffer.byteLength - offset;
    return this.call('read', async () => {
      checkRange(buffer, offset, len);
      const at = toPosition(options.position);
      if (len === 0) return { bytesRead: 0, buffer };
      const data = await this.vfs.read(this.opened.fh, at ?? this.position, len);
      data.copy(asBuffer(buffer), offset);
      if (at === null) this.position += data.length;
      return { bytesRead: data.length, buffer };
    });
  }

  /** write(buffer, offset?, length?, position?), write(buffer, options) or write(string, position?, encoding?). */
  write<T extends NodeJS.ArrayBufferView>(buffer: T, offset?: number | null, length?: number | null, position?: number | null): Promise<{ bytesWritten: number; buffer: T }>;
  write<T extends NodeJS.ArrayBufferView>(buffer: T, options?: WriteOptions): Promise<{ bytesWritten: number; buffer: T }>;
  write(data: string, position?: number | null, encoding?: BufferEncoding | null): Promise<{ bytesWritten: number; buffer: string }>;
  write<T extends NodeJS.ArrayBufferView | string>(
    data: T,
    offsetOrOptions?: number | WriteOptions | null,
    lengthOrEncoding?: number | BufferEncoding | null,
    position?: number | null,
  ): Promise<{ bytesWritten: number; buffer: T }> {
    return this.call('write', async () => {
      let bytes: Buffer;
      let at: number | null;
      if (typeof data === 'string') {
        bytes = toBytes(data, typeof lengthOrEncoding === 'string' ? lengthOrEncoding : 'utf8');
        at = toPosition(typeof offsetOrOptions === 'object' ? null : offsetOrOptions);
      } else if (isView(data)) {
        const o: WriteOptions = offsetOrOptions !== null && typeof offsetOrOptions === 'object'
          ? offsetOrOptions
          : { offset: offsetOrOptions ?? undefined, length: typeof lengthOrEncoding === 'number' ? lengthOrEncoding : undefined, position };
        const offset = o.offset ?? 0;
        const length = o.length ?? data.byteLength - offset;
        checkRange(data, offset, length);
        bytes = asBuffer(data).subarray(offset, offset + length);
        at = toPosition(o.position);
      } else {
        throw toBytes(data, null) && undefined; // throws Node's ERR_INVALID_ARG_TYPE
      }
      return { bytesWritten: await this.writeAt(bytes, at), buffer: data };
    });
  }

  private async writeAt(bytes: Buffer, at: number | null): Promise<number> {
    const offset = await this.vfs.write(this.opened.fh, at ?? this.position, bytes);
    // An append (undefined: placed when committed) leaves the position at the end this client
    // sees, as write(2) does; a write at a given position (pwrite(2)) leaves it alone.
    if (at === null) this.position = offset === undefined ? (await this.vfs.getattr(this.opened.ino)).length : offset + bytes.length;
    return bytes.length;
  }

  /** Reads into each buffer in turn, from `position` (or the current position). */
  readv<T extends readonly NodeJS.ArrayBufferView[]>(buffers: T, position?: number | null): Promise<{ bytesRead: number; buffers: T }> {
    return this.call('read', async () => {
      let at = toPosition(position);
      let bytesRead = 0;
      for (const view of buffers) {
        const data = await this.vfs.read(this.opened.fh, at ?? this.position, view.byteLength);
        data.copy(asBuffer(view));
        bytesRead += data.length;
        if (at === null) this.position += data.length;
        else at += data.length;
        if (data.length < view.byteLength) break;
      }
      return { bytesRead, buffers };
    });
  }

  /** Writes each buffer in turn, at `position` (or the current position). */
  writev<T extends readonly NodeJS.ArrayBufferView[]>(buffers: T, position?: number | null): Promise<{ bytesWritten: number; buffers: T }> {
    return this.call('write', async () => {
      let at = toPosition(position);
      let bytesWritten = 0;
      for (const view of buffers) {
        bytesWritten += await this.writeAt(asBuffer(view), at);
        if (at !== null) at += view.byteLength;
      }
      return { bytesWritten, buffers };
    });
  }

  /** The file from the current position to its end (Node reads from there too); a string with an encoding. */
  readFile(options?: { encoding?: null; flag?: OpenMode; signal?: AbortSignal } | null): Promise<NonSharedBuffer>;
  readFile(options: BufferEncoding | { encoding: BufferEncoding; flag?: OpenMode; signal?: AbortSignal }): Promise<string>;
  readFile(options?: (ObjectEncodingOptions & { flag?: OpenMode; signal?: AbortSignal }) | BufferEncoding | null): Promise<string | NonSharedBuffer>;
  readFile(options?: unknown): Promise<Buffer | string> {
    return this.call('read', async () => {
      const { encoding, signal } = toOptions(options, {} as { signal?: AbortSignal });
      signal?.throwIfAborted();
      const { length } = await this.vfs.getattr(this.opened.ino);
      const data = await this.vfs.read(this.opened.fh, this.position, Math.max(0, length - this.position));
      this.position += data.length;
      const out = decode(data, encoding);
      // The caller owns the bytes readFile returns; vfs.read may hand out the block cache's memory.
      return typeof out === 'string' ? out : Buffer.from(out);
    });
  }

  /** Writes `data` from the current position (Node does not truncate or rewind either). */
  writeFile(data: WritableData, options?: BufferEncoding | { encoding?: BufferEncoding | null; signal?: AbortSignal } | null): Promise<void> {
    return this.call('write', async () => {
      const { encoding, signal } = toOptions(options, { encoding: 'utf8' as BufferEncoding | null, signal: undefined as AbortSignal | undefined });
      await writeAll(data, { encoding, signal }, (bytes) => this.writeAt(bytes, null));
    });
  }

  /** Same as writeFile (on a handle opened for appending, the data lands at the end). */
  appendFile(data: WritableData, options?: BufferEncoding | { encoding?: BufferEncoding | null; signal?: AbortSignal } | null): Promise<void> {
    return this.writeFile(data, options);
  }

  truncate(length = 0): Promise<void> {
    return this.call('ftruncate', async () => {
      // Node's ftruncate: an integer, and a negative length means 0.
      if (typeof length !== 'number') throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "len" argument must be of type number. Received ${String(length)}`);
      if (!Number.isSafeInteger(length)) throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "len" is out of range. It must be an integer. Received ${length}`);
      await this.vfs.ftruncate(this.caller, this.opened.fh, Math.max(0, length));
    });
  }

  /** fsync(2): commits buffered writes; on return they survive a power cut (DESIGN §4). */
  sync(): Promise<void> {
    return this.call('fsync', () => this.vfs.flush(this.opened.fh, { durable: true }));
  }

  /** fdatasync(2): the same as sync (a volume keeps no data without its metadata: that commit is durable too). */
  datasync(): Promise<void> {
    return this.call('fdatasync', () => this.vfs.flush(this.opened.fh, { durable: true }));
  }

  stat(options?: { bigint?: false }): Promise<VolumeStats>;
  stat(options: { bigint: true }): Promise<BigIntStats>;
  stat(options?: { bigint?: boolean }): Promise<VolumeStats | BigIntStats> {
    return this.call('fstat', async () => statsOf(await this.vfs.getattr(this.opened.ino), options));
  }

  chmod(mode: number | string): Promise<void> {
    return this.call('fchmod', async () => void (await this.vfs.setattr(this.caller, this.opened.ino, { mode: toMode(mode, 0) & 0o7777 })));
  }

  chown(uid: number, gid: number): Promise<void> {
    return this.call('fchown', async () => {
      const [u, g] = [toId(uid, 'uid'), toId(gid, 'gid')];
      await this.vfs.setattr(this.caller, this.opened.ino, { ...(u >= 0 ? { uid: u } : {}), ...(g >= 0 ? { gid: g } : {}) });
    });
  }

  utimes(atime: TimeLike, mtime: TimeLike): Promise<void> {
    return this.call('futime', async () => {
      await this.vfs.setattr(this.caller, this.opened.ino, { atime: toTimespec(atime, 'atime'), mtime: toTimespec(mtime, 'mtime') });
    });
  }

  /** A Readable of the file from `start` (or the current position) to `end` (inclusive), with ReadStream's `path`, `bytesRead`, `pending`, `close`. */
  createReadStream(options?: ReadStreamOptions): ReadStream {
    return handleReadStream(this, options);
  }
  /** A Writable into the file from `start` (or the current position), with WriteStream's `path`, `bytesWritten`, `pending`, `close`. */
  createWriteStream(options?: WriteStreamOptions): WriteStream {
    return handleWriteStream(this, options);
  }
  /** The file's lines, as `readline` gives them (any line ending). */
  readLines(options?: ReadStreamOptions): ReadlineInterface {
    return handleReadLines(this, options);
  }
  /** A web ReadableStream of the file's bytes. */
  readableWebStream(): ReadableStream {
    return handleWebStream(this);
  }

  /** Commits buffered writes and closes; a failed commit is reported here. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.vfs.release(this.opened.fh);
    } catch (err) {
      const e = toFsError(err);
      throw new FsError(e.code, { syscall: 'close', detail: e.detail, cause: err });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
