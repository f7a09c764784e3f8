import { closeSync, read, readSync } from 'node:fs';

/**
 * Where requests come from. Each read of /dev/fuse returns exactly one request, and the buffer
 * must hold the largest one (max_write plus headers) or the kernel refuses the read.
 */
export interface RequestSource {
  /** The largest request one read can take: it bounds the max_write we offer at INIT. */
  readonly maxRequest: number;
  /**
   * Hands every request to `dispatch` (the buffer is the handler's until the promise settles)
   * until the kernel ends the session (ENODEV after unmount); rejects on other device errors.
   */
  run(dispatch: (buf: Buffer, n: number) => Promise<void>): Promise<void>;
  /** Closes the device descriptor (after `run` settled). */
  close(): void;
}

/** Errors of a device read that only mean "read again" (ENOENT: the request was interrupted first). */
const RETRY = new Set(['ENOENT', 'EINTR', 'EAGAIN']);
/** The session is over: unmounted (ENODEV) or aborted (ECONNABORTED). */
const ENDED = new Set(['ENODEV', 'ECONNABORTED']);

/**
 * Blocking reads on the libuv thread pool, several at once so a slow request never stalls the
 * mount (each waiting read holds a pool thread: size UV_THREADPOOL_SIZE for it). Takes requests
 * up to 1 MiB + 64 KiB. A request costs two thread hand-offs: pool thread, then event loop.
 */
export function threadPoolSource(fd: number, options: { readers: number; bufferSize: number }): RequestSource {
  const free: Buffer[] = [];
  return {
    maxRequest: options.bufferSize,
    async run(dispatch) {
      let ended = false;
      const loop = async () => {
        while (!ended) {
          const buf = free.pop() ?? Buffer.allocUnsafeSlow(options.bufferSize);
          let n: number;
          try {
            n = await new Promise<number>((resolve, reject) => read(fd, buf, 0, buf.length, null, (err, bytes) => (err ? reject(err) : resolve(bytes))));
          } catch (err) {
            free.push(buf);
            const code = (err as NodeJS.ErrnoException).code ?? '';
            if (RETRY.has(code)) continue;
            ended = true;
            if (ENDED.has(code)) return;
            throw err;
          }
          void dispatch(buf, n).finally(() => free.length < options.readers * 2 && free.push(buf));
        }
      };
      await Promise.all(Array.from({ length: options.readers }, loop));
    },
    close: () => closeSync(fd),
  };
}

/** The slice of Node's internal stream binding this source uses (process.binding, DEP0111). */
interface StreamBinding {
  Pipe: new (type: number) => {
    open(fd: number): number;
    readStart(): number;
    readStop(): number;
    close(): void;
    useUserBuffer(buffer: Uint8Array): void;
    onread: (buffer: ArrayBuffer | undefined) => void;
  };
  constants: { SOCKET: number };
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
}

function streamBinding(): StreamBinding | undefined {
  try {
    // process.binding is deprecated (documentation only in Node 20); without it we fall back to the thread pool.
    const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
    const pipe = binding('pipe_wrap');
    const stream = binding('stream_wrap');
    if (typeof pipe.Pipe !== 'function' || !(stream.streamBaseState instanceof Int32Array)) return undefined;
    return { ...pipe, ...stream } as unknown as StreamBinding;
  } catch {
    return undefined;
  }
}

/** True when requests can be read on the event loop (this Node offers the stream binding). */
export const canReadOnEventLoop = () => streamBinding() !== undefined;

/** How long the event-loop source keeps reading after its last request is answered (`busyPollMicros`). */
export const DEFAULT_BUSY_POLL_MICROS = 100;
/** With `pollWhileWaiting`: how many poll windows the event loop stays awake after a request begins. */
const WAITING_POLLS = 10n;

/**
 * Reads on the event loop itself: the device descriptor is watched by libuv (epoll) like a
 * socket and read when a request is ready, so a request costs one thread hand-off instead of
 * two. Reads go into one large buffer (the stream's user buffer, so a 1 MiB WRITE fits), and
 * each request is copied out of it before the next read. Undefined when this Node does not
 * offer the binding.
 *
 * Busy polling: when the last request in flight is answered, the source keeps trying the
 * (non-blocking) device for up to `busyPollMicros` before the event loop sleeps, because a
 * program working through files sends its next request a few µs after its answer, and waking
 * a sleeping thread on another CPU costs more than that on a VM (a request per syscall of
 * `echo`, `tar` or `rm`). It polls only while requests come back to back: a poll that catches
 * nothing stops the polling until a request again follows its answer within twice the window.
 * With `pollWhileWaiting` (an engine reached over the network), the event loop also turns
 * without sleeping while requests are in flight, for up to WAITING_POLLS windows after the
 * latest began, so the engine's answer on its socket is read without a wake-up either.
 */
export function eventLoopSource(fd: number, options: { bufferSize: number; busyPollMicros?: number; pollWhileWaiting?: boolean }): RequestSource | undefined {
  const b = streamBinding();
  if (!b) return undefined;
  const handle = new b.Pipe(b.constants.SOCKET);
  const buffer = Buffer.allocUnsafeSlow(options.bufferSize);
  const pollNs = BigInt(Math.round((options.busyPollMicros ?? DEFAULT_BUSY_POLL_MICROS) * 1000));
  const waitNs = options.pollWhileWaiting ? pollNs * WAITING_POLLS : 0n;
  let opened = false;
  return {
    maxRequest: options.bufferSize,
    run(dispatch) {
      return new Promise((resolve, reject) => {
        const err = handle.open(fd);
        if (err) return reject(new Error(`cannot watch /dev/fuse (libuv error ${err})`));
        opened = true;
        handle.useUserBuffer(buffer);
        let inFlight = 0;
        let polling = pollNs > 0n;
        /** When the last answer went out with nothing else in flight. */
        let idleSince = 0n;
        /** While requests wait: the event loop turns without sleeping until then. */
        let hotUntil = 0n;
        let turning = false;
        const turn = () => {
          if (inFlight > 0 && process.hrtime.bigint() < hotUntil) setImmediate(turn);
          else turning = false;
        };
        const take = (n: number) => {
          const request = Buffer.allocUnsafe(n);
          buffer.copy(request, 0, 0, n);
          inFlight++;
          if (waitNs > 0n) {
            hotUntil = process.hrtime.bigint() + waitNs;
            if (!turning) {
              turning = true;
              setImmediate(turn);
            }
          }
          void dispatch(request, n).finally(answered);
        };
        const answered = () => {
          if (--inFlight > 0) return;
          idleSince = process.hrtime.bigint();
          if (!polling) return;
          const n = pollDevice(fd, buffer, pollNs);
          if (n > 0) return take(n);
          polling = false;
        };
        handle.onread = () => {
          const n = b.streamBaseState[b.kReadBytesOrError]!;
          if (n > 0) {
            if (!polling && pollNs > 0n && inFlight === 0 && process.hrtime.bigint() - idleSince < 2n * pollNs) polling = true;
            return take(n);
          }
          // 0: the device had nothing (EAGAIN; busy polling took the request libuv was told of).
          if (n === 0) return;
          // Any read error (ENODEV after unmount, EOF) ends the session; the stream is not restarted.
          handle.readStop();
          resolve();
        };
        handle.readStart();
      });
    },
    // The handle owns the descriptor once opened: closing it closes the fd.
    close: () => (opened ? handle.close() : closeSync(fd)),
  };
}

/**
 * Reads the non-blocking device until a request comes or `windowNs` pass: the request's length,
 * or 0 (nothing came, or a read error, which the stream's own read reports). EAGAIN's error
 * objects are made without stack frames meanwhile (they are thrown at every try).
 */
function pollDevice(fd: number, buffer: Buffer, windowNs: bigint): number {
  const until = process.hrtime.bigint() + windowNs;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    while (process.hrtime.bigint() < until) {
      try {
        return readSync(fd, buffer, 0, buffer.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return 0;
      }
    }
    return 0;
  } finally {
    Error.stackTraceLimit = limit;
  }
}
