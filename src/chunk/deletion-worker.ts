import type { Meta } from '../meta/meta.js';
import type { ObjectStore } from '../object/object-store.js';
import { sliceBlockKeys } from './block-key.js';

/** Deletes the objects of slices whose last reference is gone, from the engine's queue. */
export class DeletionWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly deps: { meta: Pick<Meta, 'pendingSlices' | 'finishPendingSlices'>; store: ObjectStore; blockSize: number }) {}

  /** Drains the queue every `intervalMs` in the background. */
  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.drain().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
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
      const done: (typeof batch)[number]['id'][] = [];
      await Promise.all(
        batch.map(async (slice) => {
          try {
            await Promise.all(sliceBlockKeys(slice.id, slice.size, this.deps.blockSize).map((k) => this.deps.store.delete(k)));
            done.push(slice.id);
          } catch {
            // stays queued; the next drain retries it
          }
        }),
      );
      await this.deps.meta.finishPendingSlices(done);
      finished += done.length;
      if (done.length < batch.length || batch.length < 200) return finished;
    }
  }
}
