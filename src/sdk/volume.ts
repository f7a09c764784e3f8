import {
  type BigIntStats, type BigIntStatsFs, type BufferEncodingOption, constants, type Dirent, type MakeDirectoryOptions, type Mode, type ObjectEncodingOptions,
  type OpenMode, type StatFsOptions, type StatOptions, type StatsFs,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ChunkStore, type ChunkStoreOptions } from '../chunk/chunk-store.js';
import { FsError, isFsError } from '../errors/index.js';
import type { CloneOptions } from '../meta/clone/clone-spec.js';
import type { RemoveTreeOptions } from '../meta/meta.js';
import { RENAME_NOREPLACE, type VolumeUsage } from '../meta/meta.js';
import { spaceInfo, summarize, type SpaceInfo, type TreeSummary } from '../meta/space/tree-usage.js';
import { type Caller, type VolumeSettings } from '../meta/types.js';
import { VolumeMeta } from '../meta/volume-meta.js';
import { openObjectStore } from '../object/registry.js';
import { withDiskCache } from '../object/wrappers/with-disk-cache.js';
import { withMetrics } from '../object/wrappers/with-metrics.js';
import { O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW } from '../vfs/open-flags.js';
import { Vfs } from '../vfs/vfs.js';
import { warmTree, type WarmupOptions, type WarmupReport } from '../vfs/warmup.js';
import { type CallbackFs, callbackFs, type PromiseFs } from './callback-fs.js';
import { VolumeFileHandle } from './file-handle.js';
import { formatVolume, type FormatOptions } from './format-volume.js';
import { ArgumentError, checkWritable, decode, type PathLike, toId, toMode, toOptions, toPath } from './node-args.js';
import { parseOpenFlags } from './open-flags.js';
import { statsOf, type VolumeDirent, type VolumeStats } from './stats.js';
import { type TimeLike, toTimespec } from './times.js';
import { copyFile, cp, type CpOptions } from './volume-copy.js';
import { mkdirRecursive, mkdtemp, opendir, readdir, type ReaddirOptions, rm, type RmOptions, type VolumeDir } from './volume-dirs.js';
import { withPaths } from './volume-errors.js';
import { createTarget, parentOf, realpath, resolve, targetParent } from './volume-paths.js';
import type { VolumeMetrics } from './volume-metrics.js';
import { ChangeHub } from './change-hub.js';
import { fsWatch, type VolumeWatcher, type VolumeWatchOptions, type WatchContext, watchIterator } from './volume-watch.js';
import type { WritableData } from './write-data.js';
import { writeNewFile } from './write-new-file.js';

/** How to open a volume. */
export interface OpenOptions extends ChunkStoreOptions {
  /** Credentials for permission checks (default: this process's uid/gid, umask 022). */
  caller?: Partial<Caller>;
  /** Name recorded in the session. */
  program?: string;
  /** How long the session lives without a heartbeat before other clients clean up after it (default 60 s). */
  sessionTtlMs?: number;
  /** Read the volume without changing it: no session is registered, and writes fail with EROFS (SQLite opens its file read-only). */
  readOnly?: boolean;
  /** Count this client's metadata transactions and object requests here (`volumeCounters`). */
  metrics?: VolumeMetrics;
  /** Keep fetched and written blocks in this local directory (`mount --cache-dir`); processes may share it. */
  cacheDir?: string;
  /** Bytes the disk cache keeps (default 10 GiB); the least recently used blocks go first. */
  cacheDirSize?: number;
}

/** The disk cache's bound when none is given. */
export const DEFAULT_CACHE_DIR_SIZE = 10 * 1024 ** 3;

export type { TimeLike };
/** `vol.fs`: Node's callback API on the volume (see CallbackFs), with `watch` giving a VolumeFSWatcher. */
export type VolumeFs = CallbackFs<Volume> & { watch: typeof fsWatch extends (vol: never, ...rest: infer A) => infer R ? (...args: A) => R : never };
type Encoding = BufferEncoding | 'buffer' | null;
type ReadFileOptions = { encoding?: Encoding; flag?: OpenMode; signal?: AbortSignal } | BufferEncoding | null;
type WriteFileOptions = { encoding?: BufferEncoding | null; mode?: Mode; flag?: OpenMode; signal?: AbortSignal; flush?: boolean } | BufferEncoding | null;
/** A path, or (as Node takes for readFile/writeFile/appendFile) a handle of this volume: it is read or written from its position. */
type PathOrHandle = PathLike | FileHandle | VolumeFileHandle;

/**
 * A slicefs volume, with Node's `fs/promises` API on volume paths (docs/sdk.md): the same
 * arguments, defaults, results and errors, plus `clone`. `cp` and `copyFile` are clones.
 */
export class Volume implements WatchContext {
  /** Node's fs constants (open flags, access modes, copyFile modes). */
  static readonly constants = constants;
  readonly constants = constants;

  /** The volume's one subscription to its engine's change feed, shared by its watchers. */
  readonly changes: ChangeHub;

  private constructor(
    readonly vfs: Vfs,
    readonly meta: VolumeMeta,
    readonly caller: Caller,
  ) {
    this.changes = new ChangeHub(meta.engine);
  }

  /** Formats a new volume (see FormatOptions). */
  static format(metaUrl: string, name: string, options?: FormatOptions): Promise<VolumeSettings> {
    return formatVolume(metaUrl, name, options);
  }

  /** Opens a formatted volume by its metadata URL. */
  static async open(metaUrl: string, options: OpenOptions = {}): Promise<Volume> {
    const meta = await VolumeMeta.open(metaUrl, { program: options.program ?? 'sdk', sessionTtlMs: options.sessionTtlMs, readOnly: options.readOnly, log: options.log, metrics: options.metrics?.meta });
    try {
      const opened = await openObjectStore(meta.settings.storage);
      const counted = options.metrics ? withMetrics(opened, options.metrics.object) : opened;
      // Below the block cache and above the counters: the object requests counted are the ones that reach the store.
      const diskCache = options.cacheDir === undefined ? undefined
        : withDiskCache(counted, { dir: options.cacheDir, capacityBytes: options.cacheDirSize ?? DEFAULT_CACHE_DIR_SIZE, namespace: meta.settings.uuid });
      const store = diskCache ?? counted;
      const caller: Caller = {
        uid: process.getuid?.() ?? 0,
        gid: process.getgid?.() ?? 0,
        gids: process.getgroups?.() ?? [],
        umask: 0o022,
        ...options.caller,
      };
      const chunkOptions = { ...options, diskCache, ...(options.readOnly ? { deleteObjects: false } : {}) };
      return new Volume(new Vfs(meta, new ChunkStore(meta, store, chunkOptions)), meta, caller);
    } catch (err) {
      await meta.close();
      throw err;
    }
  }

  private callbacks: VolumeFs | undefined;
  /** A `node:fs`-shaped object (callbacks, `promises`, streams, `constants`, `watch`) for libraries that take a custom fs. */
  get fs(): VolumeFs {
    return (this.callbacks ??= { ...callbackFs(this as unknown as PromiseFs), watch: fsWatch.bind(undefined, this) } as unknown as VolumeFs);
  }

  /** The volume's settings. */
  get settings(): VolumeSettings {
    return this.meta.settings;
  }

  stat(path: PathLike, options?: { bigint?: false }): Promise<VolumeStats>;
  stat(path: PathLike, options: { bigint: true }): Promise<BigIntStats>;
  stat(path: PathLike, options?: StatOptions): Promise<VolumeStats | BigIntStats>;
  stat(path: PathLike, options?: { bigint?: boolean }): Promise<VolumeStats | BigIntStats> {
    const p = toPath(path);
    return withPaths({ syscall: 'stat', path: p }, async () => statsOf(await this.vfs.getattr((await resolve(this, p)).ino), options));
  }
  lstat(path: PathLike, options?: { bigint?: false }): Promise<VolumeStats>;
  lstat(path: PathLike, options: { bigint: true }): Promise<BigIntStats>;
  lstat(path: PathLike, options?: StatOptions): Promise<VolumeStats | BigIntStats>;
  lstat(path: PathLike, options?: { bigint?: boolean }): Promise<VolumeStats | BigIntStats> {
    const p = toPath(path);
    return withPaths({ syscall: 'lstat', path: p }, async () => statsOf(await this.vfs.getattr((await resolve(this, p, false)).ino), options));
  }
  /** True when the path names something; a failure other than ENOENT is thrown, not taken for "no". */
  async exists(path: PathLike): Promise<boolean> {
    return this.stat(path).then(() => true, (err: unknown) => (isFsError(err, 'ENOENT') ? false : Promise.reject(err)));
  }

  /** access(2): F_OK (default) checks existence; R_OK, W_OK, X_OK the caller's permissions. */
  async access(path: PathLike, mode: number = Volume.constants.F_OK): Promise<void> {
    const p = toPath(path);
    if (typeof mode !== 'number') throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "mode" argument must be of type number. Received ${typeof mode}`);
    if (!Number.isInteger(mode) || mode < 0 || mode > 7) throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "mode" is out of range. It must be an integer >= 0 && <= 7. Received ${mode}`);
    return withPaths({ syscall: 'access', path: p }, async () => {
      const attr = await resolve(this, p);
      if (mode) await this.vfs.access(this.caller, attr.ino, mode);
    });
  }

  /** Opens a file: flags as Node takes them ('r', 'w+', 'ax', or numbers), mode a number or an octal string. */
  async open(path: PathLike, flags: string | number = 'r', mode: number | string = 0o666): Promise<VolumeFileHandle> {
    const p = toPath(path);
    const f = parseOpenFlags(flags);
    const m = toMode(mode, 0o666);
    return withPaths({ syscall: 'open', path: p }, async () => {
      let opened;
      if (f & O_CREAT) {
        const target = f & O_EXCL ? { path: p } : await createTarget(this, p);
        if (target.existing) opened = await this.vfs.open(this.caller, target.existing.ino, f & ~O_CREAT);
        else {
          const { parent, name } = await targetParent(this, target, 'open');
          opened = await this.vfs.create(this.caller, { parent: parent.ino, name }, { mode: m & 0o7777, flags: f });
        }
      } else {
        const attr = await resolve(this, p, !(f & O_NOFOLLOW));
        if (attr.type === 'symlink') throw new FsError('ELOOP');
        if (f & O_DIRECTORY && attr.type !== 'dir') throw new FsError('ENOTDIR');
        opened = await this.vfs.open(this.caller, attr.ino, f);
      }
      return new VolumeFileHandle(this.vfs, this.caller, { fh: opened.handle.fh, ino: opened.handle.ino, path: p });
    });
  }

  /** Runs `fn` on the file opened with `flags`, then closes it (reporting a failed close). */
  private async withFile<T>(path: PathLike, open: { flags: string | number; mode?: number | string }, fn: (h: VolumeFileHandle) => Promise<T>): Promise<T> {
    const handle = await this.open(path, open.flags, open.mode);
    let result: T;
    try {
      result = await fn(handle);
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
    await handle.close();
    return result;
  }

  readFile(path: PathOrHandle, options?: { encoding?: null; flag?: OpenMode; signal?: AbortSignal } | null): Promise<NonSharedBuffer>;
  readFile(path: PathOrHandle, options: { encoding: BufferEncoding; flag?: OpenMode; signal?: AbortSignal } | BufferEncoding): Promise<string>;
  readFile(path: PathOrHandle, options?: (ObjectEncodingOptions & { flag?: OpenMode; signal?: AbortSignal }) | BufferEncoding | null): Promise<NonSharedBuffer | string>;
  async readFile(path: PathOrHandle, options?: ReadFileOptions): Promise<Buffer | string> {
    const { encoding, flag, signal } = toOptions(options, { flag: 'r' as OpenMode, signal: undefined as AbortSignal | undefined });
    signal?.throwIfAborted();
    // Node's readFile decodes with Buffer#toString, which knows no 'buffer' encoding.
    if (encoding === 'buffer') throw new ArgumentError('ERR_UNKNOWN_ENCODING', 'Unknown encoding: buffer');
    if (path instanceof VolumeFileHandle) return decode(await path.readFile({ signal }), encoding);
    return this.withFile(path as PathLike, { flags: flag }, async (h) => decode(await h.readFile({ signal }), encoding));
  }

  async writeFile(path: PathOrHandle, data: WritableData, options?: WriteFileOptions): Promise<void> {
    const o = toOptions(options, { encoding: 'utf8' as Encoding, mode: 0o666 as Mode, flag: 'w' as OpenMode, signal: undefined as AbortSignal | undefined });
    o.signal?.throwIfAborted();
    checkWritable(data);
    const write = (h: VolumeFileHandle) => h.writeFile(data, { encoding: o.encoding === 'buffer' ? null : o.encoding, signal: o.signal });
    if (path instanceof VolumeFileHandle) return write(path);
    const spec = { path: toPath(path as PathLike), flags: parseOpenFlags(o.flag), mode: toMode(o.mode, 0o666), data, encoding: o.encoding === 'buffer' ? null : o.encoding };
    if (await writeNewFile(this, spec)) return;
    await this.withFile(path as PathLike, { flags: o.flag, mode: o.mode }, write);
  }

  appendFile(path: PathOrHandle, data: string | Uint8Array, options?: WriteFileOptions): Promise<void> {
    const o = toOptions(options, { encoding: 'utf8' as Encoding, mode: 0o666 as Mode, flag: 'a' as OpenMode });
    return this.writeFile(path, data, o as WriteFileOptions);
  }

  /** mkdir(2), or with `recursive` every missing directory (returning the first one made). */
  mkdir(path: PathLike, options: MakeDirectoryOptions & { recursive: true }): Promise<string | undefined>;
  mkdir(path: PathLike, options?: Mode | (MakeDirectoryOptions & { recursive?: false }) | null): Promise<void>;
  mkdir(path: PathLike, options?: Mode | MakeDirectoryOptions | null): Promise<string | undefined>;
  async mkdir(path: PathLike, options?: Mode | MakeDirectoryOptions | null): Promise<string | undefined | void> {
    const p = toPath(path);
    const o = typeof options === 'object' && options !== null ? options : { mode: options ?? undefined };
    const mode = toMode(o.mode, 0o777) & 0o7777;
    if (o.recursive) return mkdirRecursive(this, p, mode);
    return withPaths({ syscall: 'mkdir', path: p }, async () => {
      const { parent, name } = await parentOf(this, p, 'mkdir');
      await this.vfs.mkdir(this.caller, parent.ino, name, mode);
      return undefined;
    });
  }

  /** A new directory named `prefix` plus six random characters, mode 0700; its path. */
  mkdtemp(prefix: PathLike, options?: ObjectEncodingOptions | BufferEncoding | null): Promise<string>;
  mkdtemp(prefix: PathLike, options: BufferEncodingOption): Promise<NonSharedBuffer>;
  mkdtemp(prefix: PathLike, options?: ObjectEncodingOptions | BufferEncoding | BufferEncodingOption | null): Promise<string | NonSharedBuffer>;
  mkdtemp(prefix: PathLike, options?: ObjectEncodingOptions | BufferEncoding | BufferEncodingOption | null): Promise<string | Buffer> {
    const { encoding } = toOptions(options, {});
    return mkdtemp(this, toPath(prefix, 'prefix')).then((made) => (encoding === 'buffer' ? Buffer.from(made) : made));
  }

  readdir(path: PathLike, options?: (ObjectEncodingOptions & { withFileTypes?: false; recursive?: boolean }) | BufferEncoding | null): Promise<string[]>;
  readdir(path: PathLike, options: { encoding: 'buffer'; withFileTypes?: false; recursive?: boolean } | 'buffer'): Promise<NonSharedBuffer[]>;
  readdir(path: PathLike, options?: (ObjectEncodingOptions & { withFileTypes?: false; recursive?: boolean }) | BufferEncoding | null): Promise<string[] | NonSharedBuffer[]>;
  readdir(path: PathLike, options: ObjectEncodingOptions & { withFileTypes: true; recursive?: boolean }): Promise<VolumeDirent[]>;
  readdir(path: PathLike, options: { encoding: 'buffer'; withFileTypes: true; recursive?: boolean }): Promise<Dirent<NonSharedBuffer>[]>;
  readdir(path: PathLike, options?: ReaddirOptions | Encoding): Promise<string[] | Buffer[] | VolumeDirent[]>;
  readdir(path: PathLike, options?: ReaddirOptions | Encoding): Promise<string[] | Buffer[] | VolumeDirent[] | Dirent<NonSharedBuffer>[]> {
    return readdir(this, toPath(path), options);
  }
  /** A directory stream (Node's Dir): read(), close(), for await. */
  opendir(path: PathLike, options?: { encoding?: Encoding; bufferSize?: number; recursive?: boolean }): Promise<VolumeDir> {
    return opendir(this, toPath(path), options);
  }

  /** rename(2); `noReplace` (slicefs only) fails with EEXIST instead of replacing. */
  async rename(oldPath: PathLike, newPath: PathLike, options: { noReplace?: boolean } = {}): Promise<void> {
    const [from, to] = [toPath(oldPath, 'oldPath'), toPath(newPath, 'newPath')];
    return withPaths({ syscall: 'rename', path: from, dest: to }, async () => {
      const a = await parentOf(this, from, 'rename');
      const b = await parentOf(this, to, 'rename');
      await this.vfs.rename(this.caller, {
        parent: a.parent.ino, name: a.name, newParent: b.parent.ino, newName: b.name, flags: options.noReplace ? RENAME_NOREPLACE : 0,
      });
    });
  }

  async unlink(path: PathLike): Promise<void> {
    const p = toPath(path);
    return withPaths({ syscall: 'unlink', path: p }, async () => {
      const { parent, name } = await parentOf(this, p, 'unlink');
      await this.vfs.unlink(this.caller, parent.ino, name);
    });
  }

  async rmdir(path: PathLike, options?: { recursive?: boolean; maxRetries?: number; retryDelay?: number }): Promise<void> {
    const p = toPath(path);
    if (options?.recursive) return this.rm(p, { recursive: true });
    return withPaths({ syscall: 'rmdir', path: p }, async () => {
      const { parent, name } = await parentOf(this, p, 'rmdir');
      await this.vfs.rmdir(this.caller, parent.ino, name);
    });
  }

  /** rm; `recursive` removes directories with their contents, `force` ignores a missing path. */
  rm(path: PathLike, options?: RmOptions): Promise<void> {
    return rm(this, toPath(path), options ?? {});
  }

  /** Fetches the blocks of every file at or below `path` into the disk cache (opened with `cacheDir`; EINVAL without one). */
  async warmup(path: PathLike, options: WarmupOptions = {}): Promise<WarmupReport> {
    const p = toPath(path);
    return withPaths({ syscall: 'warmup', path: p }, () => warmTree(this.vfs, this.caller, p, options));
  }

  /**
   * Removes a path and everything below it inside the metadata engine, in batches, without
   * walking it entry by entry (`slicefs rmr`); files go through the trash when the volume keeps
   * one. Returns the entries removed. An interrupted removal leaves a smaller, consistent tree.
   */
  async rmr(path: PathLike, options: RemoveTreeOptions = {}): Promise<number> {
    const p = toPath(path);
    return withPaths({ syscall: 'rmr', path: p }, async () => {
      const { parent, name } = await parentOf(this, p, 'rmr');
      await this.vfs.flushAll();
      return this.meta.removeTree(this.caller, { parent: parent.ino, name }, options);
    });
  }

  async symlink(target: PathLike, path: PathLike, _type?: string | null): Promise<void> {
    const [t, p] = [toPath(target, 'target'), toPath(path)];
    return withPaths({ syscall: 'symlink', path: t, dest: p }, async () => {
      const { parent, name } = await parentOf(this, p, 'symlink');
      await this.vfs.symlink(this.caller, parent.ino, name, Buffer.from(t));
    });
  }

  readlink(path: PathLike, options?: ObjectEncodingOptions | BufferEncoding | null): Promise<string>;
  readlink(path: PathLike, options: BufferEncodingOption): Promise<NonSharedBuffer>;
  readlink(path: PathLike, options?: ObjectEncodingOptions | string | null): Promise<string | NonSharedBuffer>;
  async readlink(path: PathLike, options?: ObjectEncodingOptions | BufferEncodingOption | string | null): Promise<string | Buffer> {
    const p = toPath(path);
    const { encoding } = toOptions(options, {});
    return withPaths({ syscall: 'readlink', path: p }, async () => {
      const attr = await resolve(this, p, false);
      if (attr.type !== 'symlink') throw new FsError('EINVAL');
      return decode(await this.vfs.readlink(attr.ino), encoding ?? 'utf8');
    });
  }

  /** The canonical path: every symlink followed, `.` and `..` resolved. */
  realpath(path: PathLike, options?: ObjectEncodingOptions | BufferEncoding | null): Promise<string>;
  realpath(path: PathLike, options: BufferEncodingOption): Promise<NonSharedBuffer>;
  realpath(path: PathLike, options?: ObjectEncodingOptions | BufferEncoding | null): Promise<string | NonSharedBuffer>;
  async realpath(path: PathLike, options?: ObjectEncodingOptions | BufferEncodingOption | BufferEncoding | null): Promise<string | Buffer> {
    const p = toPath(path);
    const { encoding } = toOptions(options, {});
    return withPaths({ syscall: 'realpath', path: p }, async () => decode(Buffer.from(await realpath(this, p)), encoding ?? 'utf8'));
  }

  async link(existingPath: PathLike, newPath: PathLike): Promise<void> {
    const [existing, p] = [toPath(existingPath, 'existingPath'), toPath(newPath, 'newPath')];
    return withPaths({ syscall: 'link', path: existing, dest: p }, async () => {
      const attr = await resolve(this, existing, false);
      const { parent, name } = await parentOf(this, p, 'link');
      await this.vfs.link(this.caller, attr.ino, parent.ino, name);
    });
  }

  async chmod(path: PathLike, mode: number | string): Promise<void> {
    const p = toPath(path);
    const m = toMode(mode, 0);
    return withPaths({ syscall: 'chmod', path: p }, async () => void (await this.vfs.setattr(this.caller, (await resolve(this, p)).ino, { mode: m & 0o7777 })));
  }
  /** Linux has no lchmod: refused as Node refuses it there. */
  async lchmod(_path: PathLike, _mode: number | string): Promise<void> {
    throw Object.assign(new Error('The lchmod() method is not implemented'), { code: 'ERR_METHOD_NOT_IMPLEMENTED' });
  }

  async chown(path: PathLike, uid: number, gid: number): Promise<void> {
    return this.setOwner({ syscall: 'chown', path: toPath(path), follow: true }, uid, gid);
  }
  async lchown(path: PathLike, uid: number, gid: number): Promise<void> {
    return this.setOwner({ syscall: 'lchown', path: toPath(path), follow: false }, uid, gid);
  }
  private async setOwner(at: { syscall: string; path: string; follow: boolean }, uid: number, gid: number): Promise<void> {
    const [u, g] = [toId(uid, 'uid'), toId(gid, 'gid')];
    return withPaths(at, async () => {
      const changes = { ...(u >= 0 ? { uid: u } : {}), ...(g >= 0 ? { gid: g } : {}) };
      await this.vfs.setattr(this.caller, (await resolve(this, at.path, at.follow)).ino, changes);
    });
  }

  async utimes(path: PathLike, atime: TimeLike, mtime: TimeLike): Promise<void> {
    return this.setTimes({ syscall: 'utime', path: toPath(path), follow: true }, atime, mtime);
  }
  /** utimes of a symlink itself. */
  async lutimes(path: PathLike, atime: TimeLike, mtime: TimeLike): Promise<void> {
    return this.setTimes({ syscall: 'lutime', path: toPath(path), follow: false }, atime, mtime);
  }
  private async setTimes(at: { syscall: string; path: string; follow: boolean }, atime: TimeLike, mtime: TimeLike): Promise<void> {
    const changes = { atime: toTimespec(atime, 'atime'), mtime: toTimespec(mtime, 'mtime') };
    return withPaths(at, async () => void (await this.vfs.setattr(this.caller, (await resolve(this, at.path, at.follow)).ino, changes)));
  }

  /** truncate: opens the file for writing (as Node does) and sets its length; a negative one is 0. */
  async truncate(path: PathLike, len = 0): Promise<void> {
    await this.withFile(path, { flags: 'r+' }, (h) => h.truncate(len));
  }

  /** Copies a file as a clone: metadata only, whatever its size (COPYFILE_EXCL, FICLONE and FICLONE_FORCE as Node). */
  copyFile(src: PathLike, dest: PathLike, mode = 0): Promise<void> {
    return copyFile(this, { src: toPath(src, 'src'), dest: toPath(dest, 'dest'), mode });
  }

  /** Node's cp: files and trees, every file a clone (a new tree is cloned whole). */
  cp(src: PathLike, dest: PathLike, options?: CpOptions): Promise<void> {
    return cp(this, { src: toPath(src, 'src'), dest: toPath(dest, 'dest') }, options ?? {});
  }

  /** Node's StatFs of the volume (blocks of 4 KiB; free space is what the store reports unlimited). */
  statfs(path: PathLike, options?: { bigint?: false }): Promise<StatsFs>;
  statfs(path: PathLike, options: { bigint: true }): Promise<BigIntStatsFs>;
  statfs(path: PathLike, options?: StatFsOptions): Promise<StatsFs | BigIntStatsFs>;
  /** @deprecated use usage(): logical usage, as before the Node-shaped statfs(path). */
  statfs(): Promise<VolumeUsage>;
  async statfs(path?: PathLike, options?: { bigint?: boolean }): Promise<StatsFs | BigIntStatsFs | VolumeUsage> {
    if (path === undefined) return this.usage();
    const p = toPath(path);
    return withPaths({ syscall: 'statfs', path: p }, async () => {
      await resolve(this, p);
      const { usedBytes, inodes } = await this.usage();
      const total = 2 ** 50 / 4096;
      const fields = { type: 0x736c6963, bsize: 4096, blocks: total, bfree: total - Math.ceil(usedBytes / 4096), bavail: total - Math.ceil(usedBytes / 4096), files: 2 ** 40, ffree: 2 ** 40 - inodes };
      if (!options?.bigint) return fields;
      return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, BigInt(v)])) as unknown as BigIntStatsFs;
    });
  }

  async getxattr(path: PathLike, name: string): Promise<Buffer> {
    const p = toPath(path);
    return withPaths({ syscall: 'getxattr', path: p }, async () => this.vfs.getxattr(this.caller, (await resolve(this, p)).ino, name));
  }
  async setxattr(path: PathLike, name: string, value: Buffer | string, flags = 0): Promise<void> {
    const p = toPath(path);
    return withPaths({ syscall: 'setxattr', path: p }, async () => this.vfs.setxattr(this.caller, (await resolve(this, p)).ino, name, Buffer.from(value), flags));
  }
  async listxattr(path: PathLike): Promise<string[]> {
    const p = toPath(path);
    return withPaths({ syscall: 'listxattr', path: p }, async () => this.vfs.listxattr(this.caller, (await resolve(this, p)).ino));
  }
  async removexattr(path: PathLike, name: string): Promise<void> {
    const p = toPath(path);
    return withPaths({ syscall: 'removexattr', path: p }, async () => this.vfs.removexattr(this.caller, (await resolve(this, p)).ino, name));
  }

  /**
   * Clones `src` to `dst` by copying metadata only: no data is read or written, both sides
   * share their blocks, and later writes to either side go to new blocks (DESIGN §3).
   * A `dst` ending in `/` means `dst/<basename of src>`. `target` names the volume of `dst`
   * when it is not this one (EXDEV unless it is the same volume).
   */
  async clone(src: string, dst: string, options: CloneOptions & { target?: Volume } = {}): Promise<VolumeStats> {
    const to = dst.endsWith('/') ? `${dst}${src.replace(/\/+$/, '').split('/').pop() ?? ''}` : dst;
    return withPaths({ syscall: 'clone', path: src, dest: to }, async () => {
      if (options.target && options.target.settings.uuid !== this.settings.uuid) {
        throw new FsError('EXDEV', { detail: 'source and destination are on different volumes' });
      }
      const source = await resolve(this, src, false);
      const { parent, name } = await parentOf(this, to, 'clone');
      if (source.type === 'dir') await this.vfs.flushAll();
      else await this.vfs.flushInode(source.ino);
      return statsOf(await this.meta.clone(this.caller, { src: source.ino, parent: parent.ino, name }, options)) as VolumeStats;
    });
  }

  /**
   * Node's fs/promises watch: events for changes made by any client of the volume (the engine's
   * change feed; latency in docs/sdk.md). `ready` (slicefs) resolves once it receives them.
   */
  watch(filename: PathLike, options: (VolumeWatchOptions & { encoding: 'buffer' }) | 'buffer'): VolumeWatcher<NonSharedBuffer>;
  watch(filename: PathLike, options?: VolumeWatchOptions | BufferEncoding): VolumeWatcher<string>;
  watch(filename: PathLike, options?: VolumeWatchOptions | string): VolumeWatcher<string> | VolumeWatcher<NonSharedBuffer>;
  watch(filename: PathLike, options?: VolumeWatchOptions | string): VolumeWatcher<string> | VolumeWatcher<NonSharedBuffer> {
    return watchIterator<string>(this, filename, options as VolumeWatchOptions | undefined);
  }

  /** du-like totals of a path: size, files and directories (clones count fully). */
  async summary(path: string): Promise<TreeSummary> {
    return withPaths({ syscall: 'summary', path }, async () => summarize(this.meta.engine, await resolve(this, path, false)));
  }

  /** A path's inode, type and bytes: logical, shared with other files, and exclusive (what deleting it frees). */
  async info(path: string): Promise<SpaceInfo & { ino: number; type: string }> {
    return withPaths({ syscall: 'info', path }, async () => {
      await this.vfs.flushAll();
      const attr = await resolve(this, path, false);
      return { ino: attr.ino, type: attr.type, ...(await spaceInfo(this.meta.engine, attr)) };
    });
  }

  /** Logical usage: bytes of files and number of inodes. */
  usage(): Promise<VolumeUsage> {
    return this.meta.usage();
  }

  /** Waits for background work (compaction, object deletion) to finish. */
  async settle(): Promise<void> {
    await this.meta.flush();
    await this.vfs.chunks.settle();
  }

  /** Commits open files, ends the session and closes connections; rejects with a commit that failed (after closing all). */
  async close(): Promise<void> {
    try {
      await this.changes.close();
      await withPaths({ syscall: 'close' }, () => this.vfs.close());
    } finally {
      await this.vfs.chunks.store.close();
      await this.meta.close();
    }
  }
}
