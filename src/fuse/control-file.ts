import { FsError, toFsError } from '../errors/index.js';
import path from 'node:path';
import { type Attr, type Caller, type Ino } from '../meta/types.js';
import { now } from '../meta/times.js';
import type { Vfs } from '../vfs/vfs.js';
import { CONTROL_NAME, type CloneRequest, type ControlReply } from './control-protocol.js';
import { isRmrRequest, serveRmr } from './control-rmr.js';
import type { VirtualFile } from './virtual-files.js';

/** The `.control` file's inode: reserved, above every number the volume allocates. */
export const CONTROL_INO = (2 ** 53 - 2) as Ino;
const PROGRESS_EVERY_MS = 100;

/** One open of `.control`: its request, the answer lines waiting to be read, and how to cancel. */
class ControlSession {
  private input = '';
  private output: Buffer[] = [];
  private finished = false;
  private started = false;
  private wake: (() => void) | undefined;
  readonly cancel = new AbortController();

  constructor(
    private readonly vfs: Vfs,
    private readonly caller: Caller,
  ) {}

  /** Takes request bytes; the first complete line starts the request. */
  feed(data: Buffer): void {
    if (this.started) throw new FsError('EBUSY', { syscall: 'write', path: CONTROL_NAME, detail: 'one request per open' });
    this.input += data.toString();
    const end = this.input.indexOf('\n');
    if (end < 0) return;
    this.started = true;
    const line = this.input.slice(0, end);
    void this.serve(line).finally(() => {
      this.finished = true;
      this.wake?.();
    });
  }

  /** Up to `size` bytes of the answer; waits for some unless the request is over (then "" is the end). */
  async take(size: number): Promise<Buffer> {
    while (!this.output.length && !this.finished) await new Promise<void>((resolve) => (this.wake = resolve));
    const all = Buffer.concat(this.output);
    this.output = all.length > size ? [all.subarray(size)] : [];
    return all.subarray(0, size);
  }

  private say(reply: ControlReply): void {
    this.output.push(Buffer.from(`${JSON.stringify(reply)}\n`));
    this.wake?.();
  }

  private async serve(line: string): Promise<void> {
    try {
      const request = JSON.parse(line) as CloneRequest;
      if (isRmrRequest(request)) {
        const entries = await serveRmr(this.vfs, { caller: this.caller, request, signal: this.cancel.signal, say: (r) => this.say(r) });
        return this.say({ done: true, entries });
      }
      if (request.op !== 'clone' || typeof request.src !== 'string' || typeof request.dst !== 'string') {
        throw new FsError('EINVAL', { syscall: 'clone', detail: 'unknown request' });
      }
      this.say({ done: true, entries: await this.clone(request) });
    } catch (err) {
      const e = err instanceof SyntaxError ? new FsError('EINVAL', { syscall: 'clone', detail: 'request is not JSON' }) : toFsError(err);
      this.say({ error: { code: e.code, message: e.message, detail: e.detail } });
    }
  }

  private async clone(request: CloneRequest): Promise<number> {
    const caller = { ...this.caller, umask: request.umask ?? this.caller.umask };
    const meta = this.vfs.meta;
    const src = await meta.resolve(caller, request.src, false);
    const dst = path.posix.resolve('/', request.dst);
    if (dst === '/') throw new FsError('EEXIST', { syscall: 'clone', path: request.dst });
    const parent = await meta.resolve(caller, path.posix.dirname(dst), true);
    if (parent.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'clone', path: request.dst });
    const name = Buffer.from(path.posix.basename(dst));
    await this.vfs.flushAll();
    let entries = 0;
    let last = 0;
    await meta.clone(caller, { src: src.ino, parent: parent.ino, name }, {
      preserve: request.preserve,
      consistent: request.consistent,
      batchSize: request.batchSize,
      signal: this.cancel.signal,
      onProgress: (done, total) => {
        entries = done;
        if (Date.now() - last < PROGRESS_EVERY_MS) return;
        last = Date.now();
        this.say({ progress: [done, total] });
      },
    });
    return entries;
  }
}

/**
 * `.control` in the mount's root: `slicefs clone` on mount paths writes a request here and the
 * mount process carries it out (DESIGN §3.11). If the CLI goes away (its handle is released)
 * before the answer, the clone is cancelled and everything it built removed.
 */
export class ControlFile implements VirtualFile {
  readonly name = CONTROL_NAME;
  readonly ino = CONTROL_INO;
  private readonly sessions = new Map<number, ControlSession>();
  private nextFh = 1;
  private readonly born = now();

  constructor(private readonly vfs: Vfs) {}

  attr(): Attr {
    const t = this.born;
    return { ino: CONTROL_INO, type: 'file', mode: 0o666, uid: 0, gid: 0, nlink: 1, length: 0, rdev: 0, atime: t, mtime: t, ctime: t, parent: 1 as Ino };
  }

  async open(caller: Caller): Promise<number> {
    const fh = this.nextFh++;
    this.sessions.set(fh, new ControlSession(this.vfs, caller));
    return fh;
  }

  private session(fh: number): ControlSession {
    const s = this.sessions.get(fh);
    if (!s) throw new FsError('EBADF', { syscall: 'control', path: CONTROL_NAME });
    return s;
  }

  async read(fh: number, _offset: number, size: number): Promise<Buffer> {
    return this.session(fh).take(size);
  }

  async write(fh: number, _offset: number, data: Buffer): Promise<number> {
    this.session(fh).feed(data);
    return data.length;
  }

  async release(fh: number): Promise<void> {
    this.sessions.get(fh)?.cancel.abort(new FsError('ECANCELED', { syscall: 'clone', detail: 'the requesting process went away' }));
    this.sessions.delete(fh);
  }
}
