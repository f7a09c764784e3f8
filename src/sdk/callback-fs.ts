import { constants, type ReadStream, type WriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import type { VolumeFileHandle } from './file-handle.js';
import { handleReadStream, handleWriteStream, type ReadStreamOptions, type WriteStreamOptions } from './handle-streams.js';
import { FsError } from '../errors/index.js';
import type { PathLike } from './node-args.js';

/** The part of a Volume the callback API is built on: its promise functions. */
export interface PromiseFs {
  open(path: PathLike, flags?: string | number, mode?: number | string): Promise<VolumeFileHandle>;
  [name: string]: unknown;
}

type Callback = (err: Error | null, ...results: unknown[]) => void;

/** The callback functions `vol.fs` has, by Node's names (their types are Node's own). */
type CallbackName =
  | (typeof PATH_FUNCTIONS)[number] | 'exists' | 'open' | 'close' | 'read' | 'write' | 'fstat' | 'fsync' | 'fdatasync'
  | 'ftruncate' | 'fchmod' | 'fchown' | 'futimes' | 'constants';

/**
 * `vol.fs`: Node's callback functions with Node's types, `promises` (the volume), `watch`, and the
 * two streams (a Readable/Writable with ReadStream's/WriteStream's `path`, byte count, `pending`, `close`).
 */
export type CallbackFs<P> = Pick<typeof import('node:fs'), CallbackName> & {
  promises: P;
  createReadStream(path: PathLike, options?: (ReadStreamOptions & { flags?: string; mode?: number }) | BufferEncoding): ReadStream;
  createWriteStream(path: PathLike, options?: (WriteStreamOptions & { flags?: string; mode?: number }) | BufferEncoding): WriteStream;
  /** Every `*Sync` function: throws ERR_METHOD_NOT_IMPLEMENTED naming the async one. */
  [sync: `${string}Sync`]: (...args: unknown[]) => never;
};

/** Node's promise functions that take paths, each given a callback twin of the same name. */
const PATH_FUNCTIONS = [
  'access', 'appendFile', 'chmod', 'chown', 'copyFile', 'cp', 'lchown', 'link', 'lstat', 'lutimes', 'mkdir', 'mkdtemp',
  'opendir', 'readdir', 'readFile', 'readlink', 'realpath', 'rename', 'rm', 'rmdir', 'stat', 'statfs', 'symlink',
  'truncate', 'unlink', 'utimes', 'writeFile',
] as const;

/** Node's synchronous functions: a volume has none (every call crosses the network); each throws naming its async twin. */
const SYNC_FUNCTIONS = [...PATH_FUNCTIONS, 'open', 'close', 'read', 'write', 'fstat', 'fsync', 'ftruncate', 'exists'].map((n) => `${n}Sync`);

function lastCallback(args: unknown[], name: string): { args: unknown[]; cb: Callback } {
  const cb = args[args.length - 1];
  if (typeof cb !== 'function') throw Object.assign(new TypeError(`The "cb" argument must be of type function. Received ${typeof cb}`), { code: 'ERR_INVALID_ARG_TYPE', fn: name });
  return { args: args.slice(0, -1), cb: cb as Callback };
}

/**
 * A `node:fs`-shaped object over a volume: the callback functions (descriptors are the volume's
 * handle numbers), `promises`, `constants`, `createReadStream`/`createWriteStream`, and sync
 * functions that throw a clear error. Hand it to libraries that take a custom `fs`.
 */
export function callbackFs(vol: PromiseFs): Record<string, unknown> {
  const handles = new Map<number, VolumeFileHandle>();
  const byFd = (fd: number, syscall: string) => {
    const h = handles.get(fd);
    if (!h) throw new FsError('EBADF', { syscall, detail: `no open file ${fd}` });
    return h;
  };
  const settle = (cb: Callback, p: Promise<unknown>, spread = false) =>
    void p.then((r) => (spread && Array.isArray(r) ? cb(null, ...r) : cb(null, r)), (err: Error) => cb(err));
  const fs: Record<string, unknown> = { constants, promises: vol };

  for (const name of PATH_FUNCTIONS) {
    fs[name] = (...all: unknown[]) => {
      const { args, cb } = lastCallback(all, name);
      settle(cb, Promise.resolve().then(() => (vol[name] as (...a: unknown[]) => Promise<unknown>).apply(vol, args)));
    };
  }
  fs.exists = (path: PathLike, cb: (exists: boolean) => void) => void (vol.stat as (p: PathLike) => Promise<unknown>)(path).then(() => cb(true), () => cb(false));
  fs.open = (...all: unknown[]) => {
    const { args, cb } = lastCallback(all, 'open');
    settle(cb, vol.open(args[0] as PathLike, args[1] as string | number, args[2] as number).then((h) => (handles.set(h.fd, h), h.fd)));
  };
  fs.close = (fd: number, cb: Callback = () => {}) => settle(cb, Promise.resolve().then(async () => {
    const h = byFd(fd, 'close');
    handles.delete(fd);
    await h.close();
  }));
  fs.read = (fd: number, ...rest: unknown[]) => {
    const { args, cb } = lastCallback(rest, 'read');
    settle(cb, Promise.resolve().then(async () => {
      const r = await (byFd(fd, 'read').read as (...a: unknown[]) => Promise<{ bytesRead: number; buffer: unknown }>)(...args);
      return [r.bytesRead, r.buffer];
    }), true);
  };
  fs.write = (fd: number, ...rest: unknown[]) => {
    const { args, cb } = lastCallback(rest, 'write');
    settle(cb, Promise.resolve().then(async () => {
      const r = await (byFd(fd, 'write').write as (...a: unknown[]) => Promise<{ bytesWritten: number; buffer: unknown }>)(...args);
      return [r.bytesWritten, r.buffer];
    }), true);
  };
  for (const [name, method] of [['fstat', 'stat'], ['fsync', 'sync'], ['fdatasync', 'datasync'], ['ftruncate', 'truncate'], ['fchmod', 'chmod'], ['fchown', 'chown'], ['futimes', 'utimes']] as const) {
    fs[name] = (fd: number, ...rest: unknown[]) => {
      const { args, cb } = lastCallback(rest, name);
      settle(cb, Promise.resolve().then(() => (byFd(fd, name)[method] as (...a: unknown[]) => Promise<unknown>)(...args)));
    };
  }
  fs.createReadStream = (path: PathLike, options?: ReadStreamOptions | BufferEncoding) => lazyStream('read', vol, path, options);
  fs.createWriteStream = (path: PathLike, options?: WriteStreamOptions & { flags?: string; mode?: number } | BufferEncoding) => lazyStream('write', vol, path, options);
  for (const name of SYNC_FUNCTIONS) {
    fs[name] = () => {
      throw Object.assign(new Error(`${name} is not available on a slicefs volume: use fs.${name.slice(0, -4)} or fs.promises.${name.slice(0, -4)}`), { code: 'ERR_METHOD_NOT_IMPLEMENTED' });
    };
  }
  return fs;
}

/** A stream that opens its file first (as Node's fs.createReadStream/createWriteStream do), then streams through the handle. */
function lazyStream(kind: 'read', vol: PromiseFs, path: PathLike, options?: unknown): ReadStream;
function lazyStream(kind: 'write', vol: PromiseFs, path: PathLike, options?: unknown): WriteStream;
function lazyStream(kind: 'read' | 'write', vol: PromiseFs, path: PathLike, options?: unknown): ReadStream | WriteStream {
  const o = (typeof options === 'string' ? { encoding: options } : options ?? {}) as ReadStreamOptions & WriteStreamOptions & { flags?: string; mode?: number };
  const opened = vol.open(path, o.flags ?? (kind === 'read' ? 'r' : 'w'), o.mode ?? 0o666);
  if (kind === 'read') {
    let inner: Readable | undefined;
    const outer = new Readable({
      encoding: o.encoding ?? undefined,
      read() {
        if (inner) return void inner.resume();
        opened.then((h) => {
          outer.emit('open', h.fd);
          outer.emit('ready');
          inner = handleReadStream(h, { ...o, encoding: null });
          outer.pending = false;
          inner.on('data', (chunk: Buffer) => {
            outer.bytesRead += chunk.length;
            if (!outer.push(chunk)) inner!.pause();
          });
          inner.on('end', () => outer.push(null));
          inner.on('error', (err) => outer.destroy(err));
        }, (err: Error) => outer.destroy(err));
      },
    }) as Readable & { bytesRead: number; pending: boolean };
    return fileStreamFields(Object.assign(outer, { bytesRead: 0, pending: true }), path) as unknown as ReadStream;
  }
  const handle = opened.then((h) => handleWriteStream(h, o));
  handle.catch(() => undefined);
  const outer: Writable & { bytesWritten: number; pending: boolean } = Object.assign(new Writable({
    write(chunk: Buffer, encoding, callback) {
      handle.then((w) => void w.write(chunk, encoding, (err?: Error | null) => {
        outer.pending = false;
        if (!err) outer.bytesWritten += chunk.length;
        callback(err);
      }), callback);
    },
    final(callback) {
      handle.then((w) => void w.end(callback), callback);
    },
  }), { bytesWritten: 0, pending: true });
  return fileStreamFields(outer, path) as unknown as WriteStream;
}

/** ReadStream's/WriteStream's `path` and `close(cb)` on a stream of `vol.fs`. */
function fileStreamFields<S extends Readable | Writable>(stream: S, path: PathLike): S {
  return Object.assign(stream, {
    path: typeof path === 'string' || Buffer.isBuffer(path) ? path : path.pathname,
    close(callback?: (err?: NodeJS.ErrnoException | null) => void) {
      if (callback) stream.once('close', () => callback(null));
      stream.destroy();
    },
  });
}
