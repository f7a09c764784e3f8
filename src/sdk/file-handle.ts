import { FsError } from '../errors/index.js';
import type { Caller, Ino } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { VolumeStats } from './stats.js';
import { withPaths } from './volume-errors.js';

/** An open file of a volume, shaped like Node's fs/promises FileHandle. */
export class VolumeFileHandle {
  private position = 0;
  private closed = false;

  constructor(
    private readonly vfs: Vfs,
    private readonly caller: Caller,
    private readonly opened: { fh: number; ino: Ino; path: string },
  ) {}

  /** The handle number (like a descriptor). */
  get fd(): number {
    return this.opened.fh;
  }

  private call<T>(syscall: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new FsError('EBADF', { syscall, path: this.opened.path, detail: 'file handle is closed' }));
    return withPaths({ syscall, path: this.opened.path }, fn);
  }

  /** Reads into `buffer`; with no position, reads at (and advances) the current position. */
  read(buffer: Buffer, offset = 0, length = buffer.length - offset, position: number | null = null): Promise<{ bytesRead: number; buffer: Buffer }> {
    return this.call('read', async () => {
      if (offset < 0 || length < 0 || offset + length > buffer.length) throw new FsError('EINVAL', { detail: 'range outside the buffer' });
      if (position !== null && (!Number.isSafeInteger(position) || position < 0)) throw new FsError('EINVAL', { detail: `bad position ${position}` });
      const at = position ?? this.position;
      const data = await this.vfs.read(this.opened.fh, at, length);
      data.copy(buffer, offset);
      if (position === null) this.position += data.length;
      return { bytesRead: data.length, buffer };
    });
  }

  /** Writes `data`; with no position, writes at (and advances) the current position. */
  write(data: Buffer | string, position: number | null = null): Promise<{ bytesWritten: number }> {
    return this.call('write', async () => {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      if (position !== null && (!Number.isSafeInteger(position) || position < 0)) throw new FsError('EINVAL', { detail: `bad position ${position}` });
      const at = await this.vfs.write(this.opened.fh, position ?? this.position, bytes);
      if (position === null) this.position = at + bytes.length;
      return { bytesWritten: bytes.length };
    });
  }

  /** The whole file from the start. */
  readFile(): Promise<Buffer> {
    return this.call('read', async () => {
      const { length } = await this.vfs.getattr(this.opened.ino);
      return this.vfs.read(this.opened.fh, 0, length);
    });
  }

  truncate(length = 0): Promise<void> {
    return this.call('ftruncate', async () => void (await this.vfs.ftruncate(this.caller, this.opened.fh, length)));
  }

  sync(): Promise<void> {
    return this.call('fsync', () => this.vfs.flush(this.opened.fh));
  }

  stat(): Promise<VolumeStats> {
    return this.call('fstat', async () => new VolumeStats(await this.vfs.getattr(this.opened.ino)));
  }

  /** Commits buffered writes and closes; a failed commit is reported here. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await withPaths({ syscall: 'close', path: this.opened.path }, () => this.vfs.release(this.opened.fh));
  }
}
