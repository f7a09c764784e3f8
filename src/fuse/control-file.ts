import { FsError, toFsError } from '../errors/index.js';
import type { Engine } from '../meta/engine.js';
import { now } from '../meta/times.js';
import { type Attr, type Caller, type Ino } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { CONTROL_NAME, type ControlReply, MAX_REQUEST_BYTES } from './control-protocol.js';
import { parseControlRequest } from './control-request.js';
import { type MountedVolume, serveControlRequest } from './control-requests.js';
import type { VirtualFile } from './virtual-files.js';

/** The `.control` file's inode: reserved, above every number the volume allocates. */
export const CONTROL_INO = (2 ** 53 - 2) as Ino;

/** One open of `.control`: its request, the answer lines waiting to be read, and how to cancel. */
class ControlSession {
  private input: Buffer[] = [];
  private inputBytes = 0;
  private output: Buffer[] = [];
  private finished = false;
  private started = false;
  private wake: (() => void) | undefined;
  readonly cancel = new AbortController();

  constructor(
    private readonly volume: MountedVolume,
    private readonly caller: Caller,
  ) {}

  /** Takes request bytes; the first complete line starts the request. EFBIG past MAX_REQUEST_BYTES. */
  feed(data: Buffer): void {
    if (this.started) throw new FsError('EBUSY', { syscall: 'write', path: CONTROL_NAME, detail: 'one request per open' });
    const end = data.indexOf('\n');
    const used = end < 0 ? data.length : end;
    if (this.inputBytes + used > MAX_REQUEST_BYTES) {
      this.input = [];
      const tooLong = new FsError('EFBIG', { syscall: 'write', path: CONTROL_NAME, detail: `a request is at most ${MAX_REQUEST_BYTES} bytes` });
      this.start(Promise.reject(tooLong));
      throw tooLong;
    }
    this.input.push(data.subarray(0, used));
    this.inputBytes += used;
    if (end < 0) return;
    const line = Buffer.concat(this.input).toString();
    this.input = [];
    this.start(this.serve(line));
  }

  private start(work: Promise<void>): void {
    this.started = true;
    void work
      .catch((err) => this.fail(err))
      .finally(() => {
        this.finished = true;
        this.wake?.();
      });
  }

  /**
   * Up to `size` bytes of the answer; waits for some while the request runs. Before any request
   * and after the answer, "" (end of file). An interrupted wait (the reader got a signal) is
   * EINTR and consumes nothing, so a killed reader goes away at once and its release cancels.
   */
  async take(size: number, signal?: AbortSignal): Promise<Buffer> {
    while (this.started && !this.output.length && !this.finished) {
      if (signal?.aborted) throw new FsError('EINTR', { syscall: 'read', path: CONTROL_NAME });
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    const all = Buffer.concat(this.output);
    this.output = all.length > size ? [all.subarray(size)] : [];
    return all.subarray(0, size);
  }

  private say(reply: ControlReply): void {
    this.output.push(Buffer.from(`${JSON.stringify(reply)}\n`));
    this.wake?.();
  }

  private fail(err: unknown): void {
    const e = toFsError(err);
    this.say({ error: { code: e.code, message: e.message, detail: e.detail } });
  }

  private async serve(line: string): Promise<void> {
    const request = parseControlRequest(line);
    this.say(await serveControlRequest(this.volume, { caller: this.caller, request, signal: this.cancel.signal, say: (r) => this.say(r) }));
  }
}

/**
 * `.control` in the mount's root: `slicefs clone` (and `info`, `summary`) on mount paths write a
 * request here and the mount process carries it out (DESIGN §3.11), as the process that opened
 * the file: its uid, gid and groups come from the kernel, never from the request. If the CLI goes
 * away (its handle is released) before the answer, the clone is cancelled and everything it
 * built removed.
 */
export class ControlFile implements VirtualFile {
  readonly name = CONTROL_NAME;
  readonly ino = CONTROL_INO;
  private readonly sessions = new Map<number, ControlSession>();
  private nextFh = 1;
  private readonly born = now();

  constructor(
    private readonly vfs: Vfs,
    private readonly engine: Engine,
    /** The mount's counters, for `{"op":"stats"}`. */
    private readonly stats?: () => Record<string, unknown>,
  ) {}

  attr(): Attr {
    const t = this.born;
    return { ino: CONTROL_INO, type: 'file', mode: 0o666, uid: 0, gid: 0, nlink: 1, length: 0, rdev: 0, atime: t, mtime: t, ctime: t, parent: 1 as Ino };
  }

  async open(caller: Caller): Promise<number> {
    const fh = this.nextFh++;
    // The opener's identity, read now (its groups come from /proc/<pid>, while it is alive) and
    // kept as plain data: the request runs as this caller. The umask is the request's own.
    const identity: Caller = { uid: caller.uid, gid: caller.gid, gids: [...caller.gids], umask: caller.umask };
    this.sessions.set(fh, new ControlSession({ vfs: this.vfs, engine: this.engine, stats: this.stats }, identity));
    return fh;
  }

  private session(fh: number): ControlSession {
    const s = this.sessions.get(fh);
    if (!s) throw new FsError('EBADF', { syscall: 'control', path: CONTROL_NAME });
    return s;
  }

  async read(fh: number, request: { offset: number; size: number; signal?: AbortSignal }): Promise<Buffer> {
    return this.session(fh).take(request.size, request.signal);
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
