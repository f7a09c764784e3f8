import type { Meta } from '../meta/meta.js';
import type { Engine } from '../meta/engine.js';
import type { SliceId } from '../meta/types.js';
import { deleteObjects } from '../object/delete-objects.js';
import { listAll } from '../object/list-all.js';
import type { ObjectStore } from '../object/object-store.js';
import { sliceBlockKeys, sliceIdOfKey } from './block-key.js';
import { DeletionWorker } from './deletion-worker.js';

/** Leaked objects deleted per request (S3 DeleteObjects takes up to 1000 keys). */
const DELETE_BATCH = 1000;

/** What the object part of gc found and (with `remove`) deleted. */
export interface ObjectGcReport {
  objects: number;
  leaked: { objects: number; bytes: number; deleted: number };
  queue: { pending: number; drained: number };
}

/** The keys every live or queued slice owns, by slice id. */
async function expectedKeys(engine: Engine, blockSize: number): Promise<Map<SliceId, Set<string>>> {
  const keys = new Map<SliceId, Set<string>>();
  const add = (id: SliceId, size: number) => keys.set(id, new Set(sliceBlockKeys(id, size, blockSize)));
  for (let after = 0, page; (page = await engine.scanSlices(after, 10_000)).length; after = page[page.length - 1]!.id) {
    for (const s of page) add(s.id, s.size);
  }
  for (const p of await engine.pendingSlices(Number.MAX_SAFE_INTEGER)) add(p.id, p.size);
  return keys;
}

/**
 * Lists the store for objects no slice owns (leaked by a crash between upload and commit),
 * older than `thresholdMs` so uploads in flight are spared, and drains the deletion queue.
 */
export async function collectObjectGarbage(
  deps: { engine: Engine; meta: Pick<Meta, 'pendingSlices' | 'finishPendingSlices' | 'syncInode'>; store: ObjectStore; blockSize: number },
  options: { remove: boolean; thresholdMs: number; onProgress?: (phase: string, n: number) => void },
): Promise<ObjectGcReport> {
  const report: ObjectGcReport = { objects: 0, leaked: { objects: 0, bytes: 0, deleted: 0 }, queue: { pending: 0, drained: 0 } };
  const keys = await expectedKeys(deps.engine, deps.blockSize);
  const cutoff = Date.now() - options.thresholdMs;
  const leaked: string[] = [];
  for await (const o of listAll(deps.store, 'chunks/')) {
    report.objects++;
    if (report.objects % 1000 === 0) options.onProgress?.('objects', report.objects);
    const id = sliceIdOfKey(o.key);
    if (id !== undefined && keys.get(id)?.has(o.key)) continue;
    if (o.mtime !== undefined && o.mtime > cutoff) continue;
    leaked.push(o.key);
    report.leaked.objects++;
    report.leaked.bytes += o.size;
  }
  report.queue.pending = (await deps.engine.pendingSlices(Number.MAX_SAFE_INTEGER)).length;
  if (!options.remove) return report;
  // In batches: one DeleteObjects request each where the store has it.
  for (let i = 0; i < leaked.length; i += DELETE_BATCH) {
    const batch = leaked.slice(i, i + DELETE_BATCH);
    await deleteObjects(deps.store, batch);
    report.leaked.deleted += batch.length;
    options.onProgress?.('leaked objects deleted', report.leaked.deleted);
  }
  report.queue.drained = await new DeletionWorker({ meta: deps.meta, store: deps.store, blockSize: deps.blockSize }).drain();
  return report;
}

/** Slices some of whose blocks are missing from the store (fsck --check-objects). */
export async function findMissingObjects(
  deps: { engine: Engine; store: ObjectStore; blockSize: number },
  onProgress?: (n: number) => void,
): Promise<Array<{ id: SliceId; key: string }>> {
  const missing: Array<{ id: SliceId; key: string }> = [];
  let checked = 0;
  for (let after = 0, page; (page = await deps.engine.scanSlices(after, 1000)).length; after = page[page.length - 1]!.id) {
    await Promise.all(
      page.map(async (s) => {
        for (const key of sliceBlockKeys(s.id, s.size, deps.blockSize)) {
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
