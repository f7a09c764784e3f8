import { SerialQueue } from '../concurrency/serial-queue.js';
import type { Limiter } from '../concurrency/limiter.js';
import { FsError, toFsError } from '../errors/index.js';
import type { Meta, SliceWrite } from '../meta/meta.js';
import { type Attr, CHUNK_SIZE, type Ino, MAX_FILE_SIZE } from '../meta/types.js';
import type { ObjectStore } from '../object/object-store.js';
import { blockKey, sliceBlockKeys } from './block-key.js';
import { PendingSlice } from './pending-slice.js';
import type { UnsyncedObjects } from './unsynced-objects.js';
import type { WriteBudget } from './write-budget.js';

/** Pending slices after which a writer commits on its own. */
const MAX_PENDING_SLICES = 64;

/** What a writer needs: the metadata, the store, and the shared upload bound. */
export interface WriterDeps {
  meta: Pick<Meta, 'newSliceId' | 'commitSlices' | 'syncInode'>;
  store: ObjectStore;
  /** Objects committed without a sync, which a durable flush syncs first. */
  unsynced: UnsyncedObjects;
  blockSize: number;
  /** Bounds blocks being uploaded at once, across every writer. */
  uploads: Limiter;
  /** The client's write buffer, shared by every writer: a block waits for room before its upload. */
  budget: WriteBudget;
  /** Told the chunk indexes of each commit (for compaction). */
  onCommit?: (ino: Ino, indexes: Set<number>) => void;
}

/**
 * Buffers the writes of one file: cuts them at chunk and block boundaries, uploads full blocks
 * in the background, and commits the slice records in write order on `flush`.
 */
export class FileWriter {
  private slices: PendingSlice[] = [];
  private readonly queue = new SerialQueue();
  private failure: FsError | undefined;
  /** End of the furthest byte written since the last commit started. */
  private end = 0;
  /** End of the furthest byte of the commit in flight (0 when none): still this client's to show. */
  private committingEnd = 0;

  constructor(
    private readonly deps: WriterDeps,
    readonly ino: Ino,
  ) {}

  /** True while written bytes wait for `flush`. */
  get dirty(): boolean {
    return this.slices.length > 0;
  }

  /**
   * The end of the furthest byte written and not yet committed — buffered, or in a commit still
   * in flight (the file's length once flushed, if larger).
   */
  get bufferedEnd(): number {
    return Math.max(this.dirty ? this.end : 0, this.committingEnd);
  }

  /** Buffers `data` at file `offset`. */
  write(offset: number, data: Buffer): Promise<void> {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      return Promise.reject(new FsError('EINVAL', { syscall: 'write', ino: this.ino, detail: `bad offset ${offset}` }));
    }
    if (offset + data.length > MAX_FILE_SIZE) return Promise.reject(new FsError('EFBIG', { syscall: 'write', ino: this.ino }));
    return this.queue.run(async () => {
      for (let done = 0; done < data.length; ) {
        const at = offset + done;
        const index = Math.floor(at / CHUNK_SIZE);
        const n = Math.min(data.length - done, (index + 1) * CHUNK_SIZE - at);
        await this.writeChunk(index, at - index * CHUNK_SIZE, data.subarray(done, done + n));
        done += n;
      }
      this.end = Math.max(this.end, offset + data.length);
      if (this.slices.length >= MAX_PENDING_SLICES) await this.commit();
    });
  }

  /**
   * Uploads what is buffered and commits it; reports (once) any earlier upload failure. `durable`
   * (fsync): every object of the file's commits is synced before a durable metadata commit.
   */
  flush(options?: { durable?: boolean }): Promise<Attr | undefined> {
    return this.queue.run(() => this.commit(options?.durable === true));
  }

  private async writeChunk(index: number, pos: number, data: Buffer): Promise<void> {
    let slice: PendingSlice | undefined;
    for (let i = this.slices.length - 1; i >= 0; i--) {
      if (this.slices[i]!.index === index) {
        slice = this.slices[i];
        break;
      }
    }
    if (!slice?.accepts(pos, data.length, CHUNK_SIZE)) {
      if (slice) this.freeze(slice);
      slice = new PendingSlice(index, pos, this.deps.blockSize);
      this.slices.push(slice);
    }
    slice.write(pos, data);
    await this.uploadReady(slice);
  }

  private freeze(slice: PendingSlice): void {
    slice.frozen = true;
    void this.uploadReady(slice).catch(() => undefined);
  }

  /** Starts uploads of the slice's ready blocks; waits until the client's write buffer has room for them. */
  private async uploadReady(slice: PendingSlice): Promise<void> {
    const admitted: Promise<void>[] = [];
    for (const b of slice.readyBlocks()) {
      const block = slice.takeBlock(b);
      const id = (slice.id ??= this.deps.meta.newSliceId());
      const { budget } = this.deps;
      const room = budget.acquire(block.length);
      admitted.push(room);
      const upload = room
        .then(() => this.deps.uploads.run(async () => this.deps.store.put(blockKey(await id, b, block.length), block)).finally(() => budget.release(block.length)))
        .catch((err: unknown) => {
          this.failure ??= new FsError('EIO', { syscall: 'write', ino: this.ino, detail: `upload failed: ${(err as Error).message}`, cause: err });
        });
      slice.uploads.push(upload);
    }
    await Promise.all(admitted);
  }

  private async commit(durable = false): Promise<Attr | undefined> {
    const slices = this.slices;
    this.slices = [];
    // Until the records are committed, this client still shows their end (getattr, O_APPEND);
    // what is written meanwhile starts a new end, so a truncate elsewhere is not undone.
    if (slices.length) this.committingEnd = this.end;
    this.end = 0;
    try {
      return await this.commitSlices(slices, durable);
    } finally {
      this.committingEnd = 0;
    }
  }

  private async commitSlices(slices: PendingSlice[], durable: boolean): Promise<Attr | undefined> {
    for (const s of slices) if (!s.frozen) this.freeze(s);
    await Promise.all(slices.flatMap((s) => s.uploads));
    const failure = this.failure;
    this.failure = undefined;
    if (failure) {
      await this.discard(slices);
      throw failure;
    }
    if (!slices.length) {
      if (durable) await this.syncCommitted();
      return undefined;
    }
    const writes: SliceWrite[] = await Promise.all(
      slices.map(async (s) => ({ index: s.index, record: { pos: s.pos, id: await s.id!, size: s.len, off: 0, len: s.len } })),
    );
    const keys = writes.flatMap((w) => sliceBlockKeys(w.record.id, w.record.size, this.deps.blockSize));
    try {
      if (durable) await this.deps.unsynced.sync(this.ino, keys);
      const attr = await this.deps.meta.commitSlices(this.ino, writes, { durable });
      if (!durable) await this.deps.unsynced.add(this.ino, keys);
      this.deps.onCommit?.(this.ino, new Set(writes.map((w) => w.index)));
      return attr;
    } catch (err) {
      await this.discard(slices);
      throw toFsError(err, { syscall: 'write', ino: this.ino });
    }
  }

  /** fsync with nothing buffered: syncs the objects of earlier commits, then makes the metadata durable. */
  private async syncCommitted(): Promise<void> {
    try {
      await this.deps.unsynced.sync(this.ino);
      await this.deps.meta.syncInode(this.ino);
    } catch (err) {
      throw toFsError(err, { syscall: 'fsync', ino: this.ino });
    }
  }

  /** Deletes the objects of slices that will never be committed (best effort; gc finds the rest). */
  private async discard(slices: PendingSlice[]): Promise<void> {
    const deletes: Promise<void>[] = [];
    for (const s of slices) {
      const id = await s.id?.catch(() => undefined);
      if (id === undefined) continue;
      for (let b = 0; b * this.deps.blockSize < s.len; b++) {
        const len = Math.min(this.deps.blockSize, s.len - b * this.deps.blockSize);
        deletes.push(this.deps.store.delete(blockKey(id, b, len)).catch(() => undefined));
      }
    }
    await Promise.all(deletes);
  }
}
