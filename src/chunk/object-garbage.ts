import type { BlockSizeOf } from '../meta/block-layout.js';
import type { Meta } from '../meta/meta.js';
import type { Engine } from '../meta/engine.js';
import type { SliceId } from '../meta/types.js';
import { deleteObjects } from '../object/delete-objects.js';
import { listPages } from '../object/list-all.js';
import type { ObjectStore } from '../object/object-store.js';
import { IdBits } from '../meta/fsck/id-table.js';
import { inlineDataIn } from '../meta/inline-data.js';
import { blockKey, sliceBlockKeys, sliceIdOfKey } from './block-key.js';
import { DeletionWorker } from './deletion-worker.js';

/** Leaked objects deleted per request (S3 DeleteObjects takes up to 1000 keys). */
const DELETE_BATCH = 1000;

/** What the object part of gc found and (with `remove`) deleted. */
export interface ObjectGcReport {
  objects: number;
  leaked: { objects: number; bytes: number; deleted: number };
  queue: { pending: number; drained: number };
}

/** True when `key` is one of the blocks of a slice of `size` bytes. */
function ownsKey(slice: { id: SliceId; size: number }, key: string, blockSize: number): boolean {
  const m = /_(\d+)_(\d+)$/.exec(key);
  if (!m) return false;
  const at = Number(m[1]) * blockSize;
  return at < slice.size && key === blockKey(slice.id, Number(m[1]), Math.min(blockSize, slice.size - at));
}

/** The deletion queue as bits per slice id, and its length. */
async function queuedSlices(engine: Engine): Promise<{ ids: IdBits; count: number }> {
  const ids = new IdBits();
  let count = 0;
  for (let after = 0, page; (page = await engine.pendingSlices(10_000, after)).length; after = page[page.length - 1]!.id) {
    for (const p of page) ids.add(p.id);
    count += page.length;
  }
  return { ids, count };
}

/**
 * Lists the store for objects no slice owns (leaked by a crash between upload and commit),
 * older than `thresholdMs` so uploads in flight are spared, and drains the deletion queue.
 * Streams: each listing page's slices are looked up in the engine (bounded memory; objects of
 * queued slices count as owned, the queue's worker deletes them).
 */
export async function collectObjectGarbage(
  deps: { engine: Engine; meta: Pick<Meta, 'pendingSlices' | 'finishPendingSlices' | 'syncInode' | 'readSliceData'>; store: ObjectStore; blockSizeOf: BlockSizeOf },
  options: { remove: boolean; thresholdMs: number; onProgress?: (phase: string, n: number) => void },
): Promise<ObjectGcReport> {
  const report: ObjectGcReport = { objects: 0, leaked: { objects: 0, bytes: 0, deleted: 0 }, queue: { pending: 0, drained: 0 } };
  const queued = await queuedSlices(deps.engine);
  report.queue.pending = queued.count;
  const cutoff = Date.now() - options.thresholdMs;
  for await (const page of listPages(deps.store, 'chunks/', DELETE_BATCH)) {
    report.objects += page.length;
    options.onProgress?.('objects', report.objects);
    const ids = [...new Set(page.map((o) => sliceIdOfKey(o.key)).filter((id) => id !== undefined))];
    const slices = await deps.engine.read((tx) => tx.getSlices(ids));
    const leaked = page.filter((o) => {
      const id = sliceIdOfKey(o.key);
      if (id !== undefined && queued.ids.has(id)) return false;
      const slice = id !== undefined ? slices.get(id) : undefined;
      if (slice && ownsKey({ id: id!, size: slice.size }, o.key, deps.blockSizeOf(id!))) return false;
      return o.mtime === undefined || o.mtime <= cutoff;
    });
    report.leaked.objects += leaked.length;
    for (const o of leaked) report.leaked.bytes += o.size;
    if (!options.remove || !leaked.length) continue;
    // One DeleteObjects request per page where the store has it.
    await deleteObjects(deps.store, leaked.map((o) => o.key));
    report.leaked.deleted += leaked.length;
    options.onProgress?.('leaked objects deleted', report.leaked.deleted);
  }
  if (!options.remove) return report;
  report.queue.drained = await new DeletionWorker({ meta: deps.meta, store: deps.store, blockSizeOf: deps.blockSizeOf }).drain();
  return report;
}

/** Slices some of whose blocks are missing from the store (fsck --check-objects); inline slices have none. */
export async function findMissingObjects(
  deps: { engine: Engine; store: ObjectStore; blockSizeOf: BlockSizeOf },
  onProgress?: (n: number) => void,
): Promise<Array<{ id: SliceId; key: string }>> {
  const missing: Array<{ id: SliceId; key: string }> = [];
  let checked = 0;
  for (let after = 0, page; (page = await deps.engine.scanSlices(after, 1000)).length; after = page[page.length - 1]!.id) {
    const inline = await inlineDataIn(deps.engine, { after, last: page[page.length - 1]!.id });
    await Promise.all(
      page.filter((s) => !inline.has(s.id)).map(async (s) => {
        for (const key of sliceBlockKeys(s.id, s.size, deps.blockSizeOf(s.id))) {
          const head = await deps.store.head(key);
          if (!head) missing.push({ id: s.id, key });
        }
      }),
    );
    checked += page.length;
    onProgress?.(checked);
  }
  return missing;
}
