import { blockSizeOf } from '../meta/block-layout.js';
import { Limiter } from '../concurrency/limiter.js';
import { type LogLine, logFailure, logToStderr } from '../errors/index.js';
import type { Meta, SliceWrite } from '../meta/meta.js';
import { type Attr, CHUNK_SIZE, type Ino } from '../meta/types.js';
import { blockKey } from './block-key.js';
import type { ObjectStore } from '../object/object-store.js';
import type { DiskCacheStore } from '../object/wrappers/with-disk-cache.js';
import { BlockCache } from './block-cache.js';
import { Compactor } from './compactor.js';
import { DeletionWorker } from './deletion-worker.js';
import { type FileBlock, fileBlocks } from './file-blocks.js';
import { type FileHead, readFileRange, readHeadRange } from './file-reader.js';
import { FileWriter } from './file-writer.js';
import { SliceReader } from './slice-reader.js';
import { UnsyncedObjects } from './unsynced-objects.js';
import { WriteBudget } from './write-budget.js';

/** Sizes of the data layer's buffers, in bytes, and its request concurrency. */
export interface ChunkStoreOptions {
  /** Block cache for reads (default 256 MiB). */
  cacheSize?: number;
  /** The write buffer: bytes of blocks being uploaded at once, across all files; writers wait for room (default 128 MiB). */
  bufferSize?: number;
  /** Object requests at once (default 32). */
  concurrency?: number;
  /** Blocks fetched ahead of a sequential reader (default 4). */
  readAhead?: number;
  /** Run the background deletion worker (default true). */
  deleteObjects?: boolean;
  /** Where failures of background work (compaction, object deletion) are logged (stderr by default). */
  log?: LogLine;
  /** The local disk cache `store` reads through, when it has one (its counters, and `warmup`). */
  diskCache?: DiskCacheStore;
}

/** The data layer of one client: file reads and writers over slices and blocks. */
export class ChunkStore {
  readonly cache: BlockCache;
  /** The local disk cache below the block cache (`--cache-dir`), if any. */
  readonly diskCache?: DiskCacheStore;
  readonly deletions: DeletionWorker;
  /** Objects of commits made without fsync, synced by the next fsync of their file. */
  readonly unsynced: UnsyncedObjects;
  private readonly slices: SliceReader;
  private readonly compactor: Compactor;
  private readonly uploads: Limiter;
  /** The client's write buffer, shared by every file's writer. */
  readonly budget: WriteBudget;
  private readonly background = new Set<Promise<unknown>>();
  private readonly log: LogLine;

  constructor(
    private readonly meta: Meta,
    readonly store: ObjectStore,
    options: ChunkStoreOptions = {},
  ) {
    const blockSize = meta.settings.blockSize;
    this.log = options.log ?? logToStderr;
    const requests = new Limiter(options.concurrency ?? 32);
    this.cache = new BlockCache(options.cacheSize ?? 256 * 1024 * 1024);
    this.diskCache = options.diskCache;
    this.slices = new SliceReader(store, {
      blockSizeOf: blockSizeOf(meta.settings), cache: this.cache, requests, readAhead: options.readAhead ?? 4, inline: (ids) => meta.readSliceData(ids),
      mayBeInline: () => meta.settings.inlineSize !== undefined,
    });
    this.budget = new WriteBudget(Math.max(2 * blockSize, options.bufferSize ?? 128 * 1024 * 1024));
    this.uploads = new Limiter(Math.min(Math.floor(this.budget.bytes / blockSize), options.concurrency ?? 32));
    this.unsynced = new UnsyncedObjects(store);
    this.compactor = new Compactor({ meta, store, slices: this.slices, blockSize, inlineSize: () => this.inlineSize });
    this.deletions = new DeletionWorker({ meta, store, blockSizeOf: blockSizeOf(meta.settings), log: this.log });
    if (options.deleteObjects ?? true) this.deletions.start();
  }

  /** Reads a byte range of a file of known length. */
  read(file: { ino: Ino; length: number }, range: { offset: number; length: number }): Promise<Buffer> {
    return readFileRange({ meta: this.meta, slices: this.slices }, file, range);
  }

  /** Reads a byte range of a small file as an open read it (Meta.OpenedFile): no engine read. */
  readHead(head: FileHead, range: { offset: number; length: number }): Promise<Buffer> {
    return readHeadRange(this.slices, head, range);
  }

  /** The blocks a read of the whole file fetches (`warmup`). */
  blocksOf(file: { ino: Ino; length: number }): Promise<FileBlock[]> {
    return fileBlocks({ meta: this.meta, blockSizeOf: blockSizeOf(this.meta.settings) }, file);
  }

  /** Slices up to this size are written with their bytes into the engine (the volume's inline size, which `config` may change live). */
  get inlineSize(): number {
    return this.meta.settings.inlineSize ?? 0;
  }

  /** The most data `createWith` takes: one block of one chunk. */
  get smallFileLimit(): number {
    return Math.min(this.meta.settings.blockSize, CHUNK_SIZE);
  }

  /**
   * Creates a file holding `data` (at most `smallFileLimit` bytes) without a write buffer:
   * uploads it as one new slice, then `create` records the file with that slice in one
   * transaction. The object is deleted if `create` fails, and kept for the file's next fsync.
   * Data up to the inline size goes into that transaction instead: no object at all.
   */
  async createWith(data: Buffer, create: (writes: SliceWrite[]) => Promise<Attr>): Promise<Attr> {
    if (data.length > this.smallFileLimit) throw new RangeError(`createWith takes at most ${this.smallFileLimit} bytes`);
    if (data.length === 0) return create([]);
    const id = await this.meta.newSliceId();
    const record = { pos: 0, id, size: data.length, off: 0, len: data.length };
    if (data.length <= this.inlineSize) return create([{ index: 0, record, data }]);
    const key = blockKey(id, 0, data.length);
    await this.uploads.run(() => this.store.put(key, data));
    let attr: Attr;
    try {
      attr = await create([{ index: 0, record }]);
    } catch (err) {
      await this.store.delete(key).catch(() => undefined);
      throw err;
    }
    await this.unsynced.add(attr.ino, [key]);
    return attr;
  }

  /** A new write buffer for a file (`empty`: the file has no data, as one just created or truncated). */
  writer(ino: Ino, options: { empty?: boolean } = {}): FileWriter {
    return new FileWriter(
      { meta: this.meta, store: this.store, unsynced: this.unsynced, blockSize: this.meta.settings.blockSize, inlineSize: () => this.inlineSize,
        uploads: this.uploads, budget: this.budget, onCommit: (i, indexes) => this.compactLater(i, indexes) },
      ino,
      options,
    );
  }

  /** fsync of a file with no write buffer here: syncs its objects committed without fsync, then a durable metadata commit. */
  async sync(ino: Ino): Promise<void> {
    await this.unsynced.sync(ino);
    await this.meta.syncInode(ino);
  }

  /** Compacts the chunks in the background when they have too many records. */
  compactLater(ino: Ino, indexes: Iterable<number>): void {
    for (const index of indexes) {
      const job = this.compactor.maybeCompact(ino, index).catch((err: unknown) =>
        logFailure(this.log, { what: `compacting chunk ${index} of inode ${ino}`, err, retry: 'it is tried again at the next commit to that chunk' }),
      );
      this.background.add(job);
      void job.finally(() => this.background.delete(job));
    }
  }

  /** Waits for background compactions, then drains the deletion queue. */
  async settle(): Promise<void> {
    while (this.background.size) await Promise.all(this.background);
    await this.deletions.drain();
  }

  async close(): Promise<void> {
    await this.deletions.stop();
    while (this.background.size) await Promise.all(this.background);
  }
}
