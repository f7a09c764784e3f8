import fs from 'node:fs';
import path from 'node:path';
import type { SyscallHelper } from '../posix/syscall-helper.js';
import { type Operation, writeData } from './operations.js';

const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;
const FALLOC_FL_ZERO_RANGE = 0x10;
const { O_RDWR, O_CREAT, O_APPEND, O_TRUNC } = fs.constants;

/** What an operation returned: a value to compare (bytes read, bytes copied) or an errno. */
export type Outcome = { ok: true; value?: string | number } | { ok: false; errno: string };

/** How a whole-file clone is made on this side. */
export type CloneMethod = (from: string, to: string) => Promise<void>;

/**
 * One side of the comparison: a directory with files f0…fN-1, each kept open O_RDWR (or
 * O_APPEND after a `reopen` that asks for it). Plain operations go through Node's fs on those
 * descriptors; fallocate and copy_file_range through the syscall helper, on fresh descriptors.
 */
export class Side {
  private readonly fds: number[] = [];

  constructor(
    readonly dir: string,
    private readonly options: { files: number; helper: SyscallHelper; clone: CloneMethod },
  ) {
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < options.files; i++) this.fds.push(fs.openSync(this.path(i), O_RDWR | O_CREAT | O_TRUNC, 0o644));
  }

  path(file: number): string {
    return path.join(this.dir, `f${file}`);
  }

  async apply(op: Operation): Promise<Outcome> {
    try {
      return { ok: true, value: await this.run(op) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return { ok: false, errno: code };
      throw err;
    }
  }

  private async run(op: Operation): Promise<string | number | undefined> {
    const { helper } = this.options;
    switch (op.kind) {
      case 'write': {
        const data = writeData(op);
        let done = 0;
        while (done < data.length) done += fs.writeSync(this.fds[op.file]!, data, done, data.length - done, op.offset + done);
        return done;
      }
      case 'read':
        return this.read(op.file, op.offset, op.length).toString('base64');
      case 'truncate':
        if (op.via === 'fd') fs.ftruncateSync(this.fds[op.file]!, op.size);
        else await helper.call('truncate', this.path(op.file), op.size);
        return undefined;
      case 'fallocate':
        return helper.call('fallocate', this.path(op.file), op.keepSize ? FALLOC_FL_KEEP_SIZE : 0, op.offset, op.length);
      case 'punch':
        return helper.call('fallocate', this.path(op.file), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, op.offset, op.length);
      case 'zero':
        return helper.call('fallocate', this.path(op.file), FALLOC_FL_ZERO_RANGE | (op.keepSize ? FALLOC_FL_KEEP_SIZE : 0), op.offset, op.length);
      case 'copy':
        return helper.call('copy_file_range', this.path(op.from), op.fromOffset, this.path(op.to), op.toOffset, op.length);
      case 'clone': {
        fs.closeSync(this.fds[op.to]!);
        fs.unlinkSync(this.path(op.to));
        await this.options.clone(this.path(op.from), this.path(op.to));
        this.fds[op.to] = fs.openSync(this.path(op.to), O_RDWR);
        return undefined;
      }
      case 'rename': {
        // The descriptor follows its inode to the new name; the old name starts empty.
        fs.closeSync(this.fds[op.to]!);
        fs.renameSync(this.path(op.from), this.path(op.to));
        this.fds[op.to] = this.fds[op.from]!;
        this.fds[op.from] = fs.openSync(this.path(op.from), O_RDWR | O_CREAT | O_TRUNC, 0o644);
        return undefined;
      }
      case 'reopen':
        fs.closeSync(this.fds[op.file]!);
        this.fds[op.file] = fs.openSync(this.path(op.file), O_RDWR | (op.append ? O_APPEND : 0));
        return undefined;
      case 'fsync':
        fs.fsyncSync(this.fds[op.file]!);
        return undefined;
    }
  }

  size(file: number): number {
    return fs.fstatSync(this.fds[file]!).size;
  }

  /** Up to `length` bytes at `offset` (fewer at the end of the file). */
  read(file: number, offset: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fds[file]!, buf, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  }

  close(): void {
    for (const fd of this.fds.splice(0)) fs.closeSync(fd);
  }

  /** Closes and deletes the directory. */
  remove(): void {
    this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
