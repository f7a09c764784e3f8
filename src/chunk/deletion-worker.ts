import { type LogLine, logFailure, logToStderr } from '../errors/index.js';
import type { BlockSizeOf } from '../meta/block-layout.js';
import type { Meta } from '../meta/meta.js';
import { MAX_INLINE_SIZE, type PendingSlice, ROOT_INO, type SliceId } from '../meta/types.js';
import { deleteObjects } from '../object/delete-objects.js';
import type { ObjectStore } from '../object/object-store.js';
import { sliceBlockKeys } from './block-key.js';

/** Deletes the objects of slices whose last reference is gone, from the engine's queue. */
export class DeletionWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly deps: { meta: Pick<Meta, 'pendingSlices' | 'finishPendingSlices' | 'syncInode' | 'readSliceData'>; store: ObjectStore; blockSizeOf: BlockSizeOf; log?: LogLine }) {}

  /** Drains the queue every `intervalMs` in the background; a failed drain is logged and tried again at the next. */
  start(intervalMs = 1000): void {
    const log = this.deps.log ?? logToStderr;
    this.timer = setInterval(
      () =>
        void this.drain().catch((err: unknown) =>
          logFailure(log, { what: "draining the slice deletion queue", err, retry: `retrying in ${intervalMs / 1000} s` }),
        ),
      intervalMs,
    );
    this.timer.unref();
  }

  /**
   * Stops the background drains and waits for one in flight (whose failure its timer already
   * logs): the engine it reads may be closed next, and a drain cut off by that only logs an error.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Deletes queued slices' objects until the queue is empty; a failed delete stays queued. Returns slices finished. */
  drain(): Promise<number> {
    this.running ??= this.drainAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drainAll(): Promise<number> {
    let finished = 0;
    for (;;) {
      const batch = await this.deps.meta.pendingSlices(200);
      // The commit that dropped their last reference may not be durable yet (SQLite, NORMAL): were
      // the objects gone and that commit lost in a power cut, files (fsynced ones too) would name
      // missing objects. A durable commit first makes it, and every earlier one, durable.
      if (batch.length) await this.deps.meta.syncInode(ROOT_INO);
      const done = await this.deleteBlocks(batch);
      await this.deps.meta.finishPendingSlices(done);
      finished += done.length;
      if (done.length < batch.length || batch.length < 200) return finished;
    }
  }

  /**
   * Deletes the blocks of `slices`: where the store deletes many objects per request (S3:
   * DeleteObjects of up to 1000 keys), all at once first; otherwise, or if that fails, slice
   * by slice, so a failing object holds back only its own slice. Returns the slices whose
   * blocks are all gone.
   */
  private async deleteBlocks(slices: readonly PendingSlice[]): Promise<SliceId[]> {
    // Slices whose bytes the engine keeps (inline data) have no blocks: finishing them removes the bytes.
    const inline = await this.deps.meta.readSliceData(slices.filter((s) => s.size <= MAX_INLINE_SIZE).map((s) => s.id));
    const keysOf = (slice: PendingSlice) => (inline.has(slice.id) ? [] : sliceBlockKeys(slice.id, slice.size, this.deps.blockSizeOf(slice.id)));
    if (this.deps.store.supports.deleteMany) {
      try {
        await deleteObjects(this.deps.store, slices.flatMap(keysOf));
        return slices.map((s) => s.id);
      } catch {
        // slice by slice below
      }
    }
    const done: SliceId[] = [];
    await Promise.all(
      slices.map(async (slice) => {
        try {
          await deleteObjects(this.deps.store, keysOf(slice));
          done.push(slice.id);
        } catch {
          // stays queued; the next drain retries it
        }
      }),
    );
    return done;
  }
}
