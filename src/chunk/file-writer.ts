import { SerialQueue } from '../concurrency/serial-queue.js';
import type { Limiter } from '../concurrency/limiter.js';
import { FsError, toFsError } from '../errors/index.js';
import type { CommitSetattr, Meta, SliceWrite } from '../meta/meta.js';
import { type Attr, CHUNK_SIZE, type Ino, MAX_FILE_SIZE } from '../meta/types.js';
import type { ObjectStore } from '../object/object-store.js';
import { blockKey, sliceBlockKeys } from './block-key.js';
import { COMPACT_THRESHOLD } from './compactor.js';
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
  /** Slices of at most this many bytes are committed with their bytes (inline data), not uploaded (the volume's `inlineSize`, read when a slice is frozen). */
  inlineSize: () => number;
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
  /** How the writes since the last commit started change the file's length (see LengthChange). */
  private pending: LengthChange = NO_CHANGE;
  /** The same for the commit in flight: still this client's to show until it is committed. */
  private committing: LengthChange = NO_CHANGE;

  /**
   * Records each chunk holds, known while this writer began on an empty file (one it created, or
   * truncated at open) and only its own commits added to it: the compactor need not read a
   * chunk that is known to be short (Infinity: not known any more). Undefined: nothing known.
   */
  private readonly records: Map<number, number> | undefined;

  constructor(
    private readonly deps: WriterDeps,
    readonly ino: Ino,
    options: { empty?: boolean } = {},
  ) {
    this.records = options.empty ? new Map() : undefined;
  }

  /** True while written bytes wait for `flush`. */
  get dirty(): boolean {
    return this.slices.length > 0;
  }

  /**
   * The length this client shows for a file whose committed length is `committed`: with its
   * writes not yet committed applied in order (appends after what precedes them).
   */
  lengthOver(committed: number): number {
    return applyChange(this.pending, applyChange(this.committing, committed));
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
      this.pending = { ...this.pending, atLeast: Math.max(this.pending.atLeast, offset + data.length) };
      if (this.slices.length >= MAX_PENDING_SLICES) await this.commit();
    });
  }

  /**
   * Buffers an O_APPEND write: its place is decided when it is committed, at the file's end as
   * the metadata engine then sees it, so appends from any client all land whole.
   */
  append(data: Buffer): Promise<void> {
    return this.queue.run(async () => {
      // Writes keep their order: nothing written before this append may merge into a slice after it.
      for (const s of this.slices) if (!s.atEnd && !s.frozen) this.freeze(s);
      for (let done = 0; done < data.length; ) {
        let slice = this.slices[this.slices.length - 1];
        if (!slice?.atEnd || !slice.accepts(slice.len, 1, CHUNK_SIZE)) {
          if (slice?.atEnd) this.freeze(slice);
          this.slices.push((slice = PendingSlice.forAppends(this.deps.blockSize)));
        }
        const n = Math.min(data.length - done, CHUNK_SIZE - slice.len);
        slice.write(slice.len, data.subarray(done, done + n));
        done += n;
        this.pending = { grow: this.pending.grow + n, atLeast: this.pending.atLeast + n };
        await this.uploadReady(slice);
      }
      if (this.slices.length >= MAX_PENDING_SLICES) await this.commit();
    });
  }

  /**
   * Uploads what is buffered and commits it; reports (once) any earlier upload failure. `durable`
   * (fsync): every object of the file's commits is synced before a durable metadata commit.
   */
  flush(options?: { durable?: boolean; setattr?: CommitSetattr }): Promise<Attr | undefined> {
    return this.queue.run(() => this.commit(options?.durable === true, options?.setattr));
  }

  private async writeChunk(index: number, pos: number, data: Buffer): Promise<void> {
    const last = this.slices[this.slices.length - 1];
    if (last?.atEnd && !last.frozen) this.freeze(last);
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
    // Decided once, when the slice is frozen: small enough and nothing of it uploaded.
    if (slice.frozen && slice.uploaded === 0 && slice.len > 0 && slice.len <= this.deps.inlineSize()) slice.inline = true;
    if (slice.inline) return;
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

  /** Commits what is buffered; `setattr` rides with the commit (Meta.commitSlices), and only when there is one. */
  private async commit(durable = false, setattr?: CommitSetattr): Promise<Attr | undefined> {
    const slices = this.slices;
    this.slices = [];
    // Until the records are committed, this client still shows them (getattr); what is written
    // meanwhile is a new change on top, so a truncate elsewhere is not undone.
    this.committing = this.pending;
    this.pending = NO_CHANGE;
    try {
      return await this.commitSlices(slices, durable, setattr);
    } finally {
      this.committing = NO_CHANGE;
    }
  }

  private async commitSlices(slices: PendingSlice[], durable: boolean, setattr?: CommitSetattr): Promise<Attr | undefined> {
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
      slices.map(async (s) => {
        const data = s.inline ? s.takeBlock(0) : undefined;
        const id = await (s.id ??= this.deps.meta.newSliceId());
        return { index: s.index, record: { pos: s.pos, id, size: s.len, off: 0, len: s.len }, atEnd: s.atEnd || undefined, data };
      }),
    );
    const keys = writes.filter((w) => !w.data).flatMap((w) => sliceBlockKeys(w.record.id, w.record.size, this.deps.blockSize));
    try {
      if (durable) await this.deps.unsynced.sync(this.ino, keys);
      const attr = await this.deps.meta.commitSlices(this.ino, writes, { durable, setattr });
      if (!durable) await this.deps.unsynced.add(this.ino, keys);
      const check = this.chunksToCheck(writes, attr.length);
      if (check.size) this.deps.onCommit?.(this.ino, check);
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
      if (id === undefined || s.inline) continue;
      for (let b = 0; b * this.deps.blockSize < s.len; b++) {
        const len = Math.min(this.deps.blockSize, s.len - b * this.deps.blockSize);
        deletes.push(this.deps.store.delete(blockKey(id, b, len)).catch(() => undefined));
      }
    }
    await Promise.all(deletes);
  }

  /** The chunks a commit changed that may need compacting: all of them, unless this writer knows they are still short. */
  private chunksToCheck(writes: readonly SliceWrite[], length: number): Set<number> {
    const changed = committedChunks(writes, length);
    const records = this.records;
    if (!records) return changed;
    // An append's chunk is only known from the length; another client's writes are not counted
    // at all (a chunk they lengthen is compacted at a later check, or by them).
    const appended = writes.some((w) => w.atEnd);
    for (const w of writes) if (!appended) records.set(w.index, (records.get(w.index) ?? 0) + 1);
    for (const i of changed) if (appended || (records.get(i) ?? 0) >= COMPACT_THRESHOLD) records.set(i, Infinity);
    return new Set([...changed].filter((i) => records.get(i) === Infinity));
  }
}

/**
 * What buffered writes do to a file's length L, in order: a write ending at e makes it
 * max(L, e); an append of n bytes adds n. Any sequence of both is L ↦ max(L + grow, atLeast).
 */
interface LengthChange {
  grow: number;
  atLeast: number;
}
const NO_CHANGE: LengthChange = { grow: 0, atLeast: 0 };
const applyChange = (c: LengthChange, length: number) => Math.max(length + c.grow, c.atLeast);

/**
 * The chunks a commit touched. Appends landed somewhere below the new `length`, and no further
 * down than the sum of the commit's lengths (each write grows the file by at most its own).
 */
function committedChunks(writes: readonly SliceWrite[], length: number): Set<number> {
  const indexes = new Set(writes.filter((w) => !w.atEnd).map((w) => w.index));
  if (writes.some((w) => w.atEnd)) {
    const total = writes.reduce((sum, w) => sum + w.record.len, 0);
    for (let i = Math.floor(Math.max(0, length - total) / CHUNK_SIZE); i * CHUNK_SIZE < length; i++) indexes.add(i);
  }
  return indexes;
}
