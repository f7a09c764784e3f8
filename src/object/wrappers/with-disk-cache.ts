import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toFsError } from '../../errors/index.js';
import type { ByteRange, ListOptions, ListPage, ObjectInfo, ObjectStore } from '../object-store.js';
import { decodeCacheFile, encodeCacheFile, MAX_CACHED_OBJECT } from './disk-cache-file.js';

/** Where and how much a disk cache keeps. */
export interface DiskCacheOptions {
  /** The cache directory; several processes may share it. */
  dir: string;
  /** Bytes of cache files kept; the least recently used go first. */
  capacityBytes: number;
  /** The subdirectory of this store's objects (the volume's uuid), so volumes can share `dir`; default: a hash of the store's URL. */
  namespace?: string;
}

/** What a disk cache did, as plain counters (`slicefs stats`, `--metrics`). */
export class DiskCacheStats {
  /** Reads served from a cache file, and reads that went to the store. */
  hits = 0;
  misses = 0;
  /** Bytes served from cache files, and bytes written into them. */
  readBytes = 0;
  writtenBytes = 0;
  /** Cache files found damaged (bad checksum, length or key), dropped and fetched again. */
  corrupt = 0;
  /** Cache files removed to stay within the capacity. */
  evicted = 0;
  /** Bytes of cache files in the directory, as of the last scan plus this process's changes since. */
  usedBytes = 0;
  capacityBytes = 0;
}

/** The part of the capacity eviction frees down to, so it does not run at every write. */
const LOW_WATER = 0.9;
/** Temporary files older than this belong to a process that died mid-write. */
const STALE_TEMP_MS = 10 * 60_000;

/**
 * `inner` with whole objects kept on local disk (`mount --cache-dir`). Objects are immutable
 * (DESIGN §2), so a cache file is valid for as long as its key exists, and keys are never reused.
 * Every file carries a checksum and is written to a temporary name then renamed, so a reader
 * (in this or another process sharing the directory) sees a whole file or none; a damaged one is
 * dropped and fetched again. A file vanishing under a reader (another process evicting it) is a miss.
 */
export function withDiskCache(inner: ObjectStore, options: DiskCacheOptions): DiskCacheStore {
  return new DiskCacheStore(inner, options);
}

export class DiskCacheStore implements ObjectStore {
  readonly url: string;
  readonly supports: ObjectStore['supports'];
  readonly deleteMany?: (keys: readonly string[]) => Promise<void>;
  readonly createBucket?: () => Promise<void>;
  readonly stats = new DiskCacheStats();
  /** The directory of this store's cache files. */
  readonly root: string;
  private readonly temp: string;
  /** Fetches under way, until their cache file is written: `data` resolves first, then `stored`. */
  private readonly inflight = new Map<string, { data: Promise<Buffer>; stored: Promise<void> }>();
  private readonly madeDirs = new Set<string>();
  /** Bytes written since the last scan: other processes' writes are only seen by scanning. */
  private sinceScan = 0;
  private evicting: Promise<void> | undefined;

  constructor(
    private readonly inner: ObjectStore,
    private readonly options: DiskCacheOptions,
  ) {
    this.url = inner.url;
    this.supports = inner.supports;
    if (inner.deleteMany) {
      this.deleteMany = async (keys) => {
        await inner.deleteMany!(keys);
        await Promise.all(keys.map((k) => this.drop(k)));
      };
    }
    if (inner.createBucket) this.createBucket = () => inner.createBucket!();
    const namespace = options.namespace ?? createHash('sha256').update(inner.url).digest('hex').slice(0, 16);
    this.root = path.join(options.dir, namespace);
    this.temp = path.join(this.root, 'tmp');
    try {
      mkdirSync(this.temp, { recursive: true });
    } catch (err) {
      throw toFsError(err, { syscall: 'mkdir', path: this.temp });
    }
    this.stats.capacityBytes = options.capacityBytes;
    this.evicting = this.evict().finally(() => (this.evicting = undefined)); // learns the usage left by earlier runs
  }

  /** The cache file of `key`: a hash, so any key is a safe file name; two levels keep directories small. */
  private fileOf(key: string): string {
    const h = createHash('sha256').update(key).digest('hex');
    return path.join(this.root, h.slice(0, 2), h.slice(2));
  }

  /** The cached bytes of `key`, or undefined (no file, a file that vanished, a damaged file: dropped). */
  private async read(key: string): Promise<Buffer | undefined> {
    const file = this.fileOf(key);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return undefined;
    }
    const data = decodeCacheFile(key, bytes);
    if (!data) {
      this.stats.corrupt++;
      await this.unlinkFile(file, bytes.length);
      return undefined;
    }
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined); // the LRU order is the files' mtimes, shared by every process
    return data;
  }

  /** Keeps `data` as the cache file of `key`; a failure (disk full, …) only means it is not cached. */
  private async write(key: string, data: Uint8Array): Promise<void> {
    if (data.length > this.options.capacityBytes || data.length > MAX_CACHED_OBJECT) return;
    const file = this.fileOf(key);
    const tmp = path.join(this.temp, `${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      const dir = path.dirname(file);
      if (!this.madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.madeDirs.add(dir);
      }
      const parts = encodeCacheFile(key, data);
      await writeFile(tmp, parts);
      await rename(tmp, file);
      const size = parts[0]!.length + data.length;
      this.stats.writtenBytes += data.length;
      this.stats.usedBytes += size;
      this.sinceScan += size;
    } catch {
      await unlink(tmp).catch(() => undefined);
      return;
    }
    // Over the capacity as far as we know, or enough written that others' writes may have filled it: scan.
    if (this.stats.usedBytes > this.options.capacityBytes || this.sinceScan > this.options.capacityBytes / 8) {
      await (this.evicting ??= this.evict().finally(() => (this.evicting = undefined)));
    }
  }

  private async unlinkFile(file: string, size: number): Promise<boolean> {
    try {
      await unlink(file);
      this.stats.usedBytes = Math.max(0, this.stats.usedBytes - size);
      return true;
    } catch {
      return false; // gone already: another process evicted it
    }
  }

  private async drop(key: string): Promise<void> {
    const file = this.fileOf(key);
    const size = await stat(file).then((s) => s.size, () => undefined);
    if (size !== undefined) await this.unlinkFile(file, size);
  }

  /**
   * Scans the directory (every process's files), then removes the least recently used files
   * until the total is below the low-water mark. Files vanishing meanwhile are skipped.
   */
  private async evict(): Promise<void> {
    const files: { file: string; size: number; mtime: number }[] = [];
    const now = Date.now();
    const dirs = await readdir(this.root).catch(() => [] as string[]);
    for (const d of dirs) {
      const dir = path.join(this.root, d);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const file = path.join(dir, name);
        const s = await stat(file).catch(() => undefined);
        if (!s?.isFile()) continue;
        if (d === 'tmp') {
          if (now - s.mtimeMs > STALE_TEMP_MS) await unlink(file).catch(() => undefined);
          continue;
        }
        files.push({ file, size: s.size, mtime: s.mtimeMs });
      }
    }
    let used = files.reduce((sum, f) => sum + f.size, 0);
    this.sinceScan = 0;
    if (used > this.options.capacityBytes) {
      files.sort((a, b) => a.mtime - b.mtime);
      for (const f of files) {
        if (used <= this.options.capacityBytes * LOW_WATER) break;
        if (await unlink(f.file).then(() => true, () => false)) this.stats.evicted++;
        used -= f.size;
      }
    }
    this.stats.usedBytes = used;
  }

  /**
   * Fetches a whole object once however many ask at the same time, and keeps it. The reader gets
   * the bytes as soon as the store answers; the cache file is written after, and until it is,
   * readers of the key join this fetch instead of looking on disk.
   */
  private fetch(key: string): { data: Promise<Buffer>; stored: Promise<void> } {
    let entry = this.inflight.get(key);
    if (!entry) {
      const data = this.inner.get(key);
      const stored = data.then((d) => this.write(key, d), () => undefined);
      entry = { data, stored };
      this.inflight.set(key, entry);
      void stored.finally(() => this.inflight.delete(key));
    }
    return entry;
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    const part = (data: Buffer) => (range ? data.subarray(range.offset, range.length === undefined ? undefined : range.offset + range.length) : data);
    const joined = this.inflight.get(key);
    const cached = joined ? undefined : await this.read(key);
    if (cached) {
      this.stats.hits++;
      this.stats.readBytes += part(cached).length;
      return part(cached);
    }
    this.stats.misses++;
    const entry = joined ?? this.inflight.get(key);
    if (entry) return part(await entry.data);
    // A small part of a block is fetched alone and not kept: a whole read (or warmup) fills the cache.
    if (range) return this.inner.get(key, range);
    return this.fetch(key).data;
  }

  /**
   * Makes sure `key` is in the cache (`slicefs warmup`): `cached` is true when it already was
   * (its file read back intact), false when it was fetched now; resolves once the file is written.
   */
  async warm(key: string): Promise<{ bytes: number; cached: boolean }> {
    const cached = this.inflight.has(key) ? undefined : await this.read(key);
    if (cached) return { bytes: cached.length, cached: true };
    const entry = this.fetch(key);
    const data = await entry.data;
    await entry.stored;
    return { bytes: data.length, cached: false };
  }

  /** Waits for cache files being written and an eviction under way (tests, and a clean close). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight.values()].map((e) => e.stored));
    await this.evicting;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.inner.put(key, data);
    await this.write(key, data);
  }
  sync(keys: readonly string[]): Promise<void> {
    return this.inner.sync(keys);
  }
  head(key: string): Promise<ObjectInfo | undefined> {
    return this.inner.head(key);
  }
  async delete(key: string): Promise<void> {
    await this.inner.delete(key);
    await this.drop(key);
  }
  list(options?: ListOptions): Promise<ListPage> {
    return this.inner.list(options);
  }
  async close(): Promise<void> {
    await this.settled();
    await this.inner.close();
  }
}
