import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { FsError, isFsError } from '../errors/index.js';
import type { Attr } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { ArgumentError, decode, toOptions } from './node-args.js';
import { VolumeDirent } from './stats.js';
import { withPaths } from './volume-errors.js';
import { parentOf, type PathContext, resolve } from './volume-paths.js';

type Ctx = PathContext & { vfs: Vfs };
type Encoding = BufferEncoding | 'buffer' | null;

/** Node's readdir options. */
export interface ReaddirOptions {
  encoding?: Encoding;
  withFileTypes?: boolean;
  /** Every entry below, depth first, as paths relative to the directory (symlinks are not followed). */
  recursive?: boolean;
}

const join = (dir: string, name: string) => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

/** The entries of one directory, page by page. */
async function* entriesOf(ctx: Ctx, dir: Attr): AsyncGenerator<{ name: Buffer; type: Attr['type'] }> {
  for (let after: Buffer | undefined, more = true; more; ) {
    const page = await ctx.vfs.readdir(ctx.caller, dir.ino, { after, limit: 10_000 });
    yield* page.entries;
    after = page.next;
    more = page.next !== undefined;
  }
}

/** Entries with their path relative to the start, this directory's then (recursive) each subdirectory's, as Node lists them. */
async function* walk(ctx: Ctx, start: { path: string; attr: Attr }, recursive: boolean): AsyncGenerator<{ rel: string; parentPath: string; name: Buffer; type: Attr['type'] }> {
  const queue = [{ rel: '', path: start.path, attr: start.attr }];
  while (queue.length) {
    const dir = queue.shift()!;
    for await (const e of entriesOf(ctx, dir.attr)) {
      const rel = dir.rel ? `${dir.rel}/${e.name.toString()}` : e.name.toString();
      yield { rel, parentPath: dir.path, name: e.name, type: e.type };
      if (recursive && e.type === 'dir') {
        const path = join(dir.path, e.name.toString());
        queue.push({ rel, path, attr: await resolve(ctx, path, false) });
      }
    }
  }
}

/** Node's readdir: names, Buffers or Dirents; recursive lists everything below. */
export function readdir(ctx: Ctx, path: string, options?: ReaddirOptions | Encoding): Promise<string[] | Buffer[] | VolumeDirent[]> {
  const o = toOptions(options, {} as ReaddirOptions);
  return withPaths({ syscall: 'scandir', path }, async () => {
    const dir = await resolve(ctx, path);
    if (dir.type !== 'dir') throw new FsError('ENOTDIR');
    const out: Array<string | Buffer | VolumeDirent> = [];
    for await (const e of walk(ctx, { path, attr: dir }, o.recursive ?? false)) {
      const name = o.recursive ? Buffer.from(e.rel) : e.name;
      if (o.withFileTypes) out.push(new VolumeDirent(e, e.parentPath, decode(e.name, o.encoding ?? 'utf8')));
      else out.push(decode(name, o.encoding ?? 'utf8'));
    }
    return out as string[] | Buffer[] | VolumeDirent[];
  });
}

/** Node's Dir: entries read one at a time (or by `for await`), then closed. */
export class VolumeDir {
  private entries: AsyncGenerator<{ rel: string; parentPath: string; name: Buffer; type: Attr['type'] }> | undefined;
  private closed = false;

  constructor(
    private readonly source: () => AsyncGenerator<{ rel: string; parentPath: string; name: Buffer; type: Attr['type'] }>,
    readonly path: string,
    private readonly encoding: Encoding,
  ) {}

  /** The next entry, or null at the end. */
  async read(): Promise<VolumeDirent | null> {
    if (this.closed) throw Object.assign(new Error('Directory handle was closed'), { code: 'ERR_DIR_CLOSED' });
    this.entries ??= this.source();
    const next = await this.entries.next();
    return next.done ? null : new VolumeDirent(next.value, next.value.parentPath, decode(next.value.name, this.encoding ?? 'utf8'));
  }

  /** Node's synchronous twins: a volume has none (see vol.fs); each throws naming the async one. */
  readSync(): never {
    throw Object.assign(new Error('readSync is not available on a slicefs volume: use dir.read()'), { code: 'ERR_METHOD_NOT_IMPLEMENTED' });
  }
  closeSync(): never {
    throw Object.assign(new Error('closeSync is not available on a slicefs volume: use dir.close()'), { code: 'ERR_METHOD_NOT_IMPLEMENTED' });
  }

  async close(): Promise<void> {
    if (this.closed) throw Object.assign(new Error('Directory handle was closed'), { code: 'ERR_DIR_CLOSED' });
    this.closed = true;
    await this.entries?.return(undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<VolumeDirent> {
    try {
      for (let e = await this.read(); e; e = await this.read()) yield e;
    } finally {
      if (!this.closed) await this.close();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.closed ? Promise.resolve() : this.close();
  }
}

const R_OK = constants.R_OK;

/** Node's opendir. */
export function opendir(ctx: Ctx, path: string, options?: { encoding?: Encoding; bufferSize?: number; recursive?: boolean }): Promise<VolumeDir> {
  return withPaths({ syscall: 'opendir', path }, async () => {
    const dir = await resolve(ctx, path);
    if (dir.type !== 'dir') throw new FsError('ENOTDIR');
    // Node opens the directory at once: one the caller may not read is EACCES here, not at the first read.
    await ctx.vfs.access(ctx.caller, dir.ino, R_OK);
    return new VolumeDir(() => walk(ctx, { path, attr: dir }, options?.recursive ?? false), path, options?.encoding ?? 'utf8');
  });
}

/**
 * mkdir -p: makes each missing directory; returns the first one made (undefined if none). As
 * Node's, a failure to make one names that directory; others name the whole path.
 */
export async function mkdirRecursive(ctx: Ctx, path: string, mode: number): Promise<string | undefined> {
  const parts = path.split('/').filter((p) => p && p !== '.');
  const whole = <T>(fn: () => Promise<T>) => withPaths({ syscall: 'mkdir', path }, fn);
  let first: string | undefined;
  for (let i = 1; i <= parts.length; i++) {
    const sofar = `/${parts.slice(0, i).join('/')}`;
    const attr = await whole(() => resolve(ctx, sofar).catch((err: unknown) => (isFsError(err, 'ENOENT') ? undefined : Promise.reject(err))));
    if (attr) {
      if (attr.type !== 'dir') await whole(() => Promise.reject(new FsError(i === parts.length ? 'EEXIST' : 'ENOTDIR')));
      continue;
    }
    const { parent, name } = await whole(() => parentOf(ctx, sofar, 'mkdir'));
    try {
      await withPaths({ syscall: 'mkdir', path: sofar }, () => ctx.vfs.mkdir(ctx.caller, parent.ino, name, mode));
      first ??= sofar;
    } catch (err) {
      if (!isFsError(err, 'EEXIST')) throw err; // made meanwhile by someone else: fine
    }
  }
  return first;
}

/** A new directory `prefix` + six random characters, mode 0700 (a failure names the name tried, as Node's). */
export async function mkdtemp(ctx: Ctx, prefix: string): Promise<string> {
  for (let tries = 0; ; tries++) {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const path = prefix + [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
    try {
      await withPaths({ syscall: 'mkdtemp', path }, async () => {
        const { parent, name } = await parentOf(ctx, path, 'mkdtemp');
        await ctx.vfs.mkdir(ctx.caller, parent.ino, name, 0o700);
      });
      return path;
    } catch (err) {
      if (!isFsError(err, 'EEXIST') || tries > 100) throw err;
    }
  }
}

/** Node's rm options. */
export interface RmOptions {
  recursive?: boolean;
  force?: boolean;
  maxRetries?: number;
  retryDelay?: number;
}

/** Node's rm: lstat first (ENOENT ignored with force); a directory needs `recursive`. */
export async function rm(ctx: Ctx, path: string, options: RmOptions): Promise<void> {
  if (typeof options !== 'object') throw new ArgumentError('ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object.');
  let attr: Attr;
  try {
    attr = await withPaths({ syscall: 'lstat', path }, () => resolve(ctx, path, false));
  } catch (err) {
    if (options.force && isFsError(err, 'ENOENT')) return;
    throw err;
  }
  if (attr.type === 'dir' && !options.recursive) {
    throw Object.assign(new Error(`Path is a directory: rm returned EISDIR (is a directory) ${path}`), {
      name: 'SystemError', code: 'ERR_FS_EISDIR', errno: 21, syscall: 'rm', path,
    });
  }
  await removeTree(ctx, path, attr);
}

async function removeTree(ctx: Ctx, path: string, attr: Attr): Promise<void> {
  const { parent, name } = await parentOf(ctx, path, 'rm');
  if (attr.type !== 'dir') return withPaths({ syscall: 'unlink', path }, () => ctx.vfs.unlink(ctx.caller, parent.ino, name));
  // As Node's rm: rmdir first, and only a directory that is not empty is emptied (so a directory
  // the caller may not remove fails with rmdir's EACCES, not with its listing's).
  try {
    return await withPaths({ syscall: 'rmdir', path }, () => ctx.vfs.rmdir(ctx.caller, parent.ino, name));
  } catch (err) {
    if (!isFsError(err, 'ENOTEMPTY') && !isFsError(err, 'EEXIST')) throw err;
  }
  const children: { name: string; attr: Attr }[] = [];
  for await (const e of entriesOf(ctx, attr)) children.push({ name: e.name.toString(), attr: await resolve(ctx, join(path, e.name.toString()), false) });
  for (const child of children) await removeTree(ctx, join(path, child.name), child.attr);
  await withPaths({ syscall: 'rmdir', path }, () => ctx.vfs.rmdir(ctx.caller, parent.ino, name));
}
