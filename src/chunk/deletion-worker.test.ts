import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../errors/index.js';
import type { PendingSlice, SliceId } from '../meta/types.js';
import { MemoryStore } from '../object/stores/memory/memory-store.js';
import { sliceBlockKeys } from './block-key.js';
import { DeletionWorker } from './deletion-worker.js';

const BLOCK = 1024;

/** A memory store that deletes many objects per request, like S3, and counts its requests. */
class BatchingStore extends MemoryStore {
  override readonly supports = { noOverwrite: true, deleteMany: true, createBucket: false };
  requests: string[][] = [];
  failing = new Set<string>();

  async deleteMany(keys: readonly string[]): Promise<void> {
    this.requests.push([...keys]);
    const bad = keys.find((k) => this.failing.has(k));
    if (bad) throw new FsError('EIO', { syscall: 'delete', path: bad });
    for (const key of keys) await this.delete(key);
  }
}

/** A deletion queue of `slices`, and what the worker finished. */
function queueOf(slices: PendingSlice[], inline: ReadonlySet<SliceId> = new Set()) {
  const finished: SliceId[] = [];
  const syncs: number[] = [];
  return {
    finished,
    syncs,
    meta: {
      syncInode: async () => void syncs.push(finished.length),
      pendingSlices: async (limit: number) => slices.filter((s) => !finished.includes(s.id)).slice(0, limit),
      finishPendingSlices: async (ids: SliceId[]) => void finished.push(...ids),
      readSliceData: async (ids: readonly SliceId[]) => new Map(ids.filter((id) => inline.has(id)).map((id) => [id, Buffer.alloc(1)])),
    },
  };
}

async function storeWith(slices: PendingSlice[]): Promise<BatchingStore> {
  const store = new BatchingStore(`mem://deletion-worker-${process.pid}-${Math.random()}`);
  for (const s of slices) for (const k of sliceBlockKeys(s.id, s.size, BLOCK)) await store.put(k, Buffer.from('x'));
  return store;
}

const slices = (n: number): PendingSlice[] => Array.from({ length: n }, (_, i) => ({ id: (i + 1) as SliceId, size: 2 * BLOCK + i }));

describe('deletion worker', () => {
  it('stop waits for a drain in flight (the engine is closed next), and does not fail with it', async () => {
    const pending = slices(2);
    const store = await storeWith(pending);
    const queue = queueOf(pending);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let asked!: () => void;
    const reading = new Promise<void>((resolve) => (asked = resolve));
    const meta = { ...queue.meta, pendingSlices: async (limit: number) => (asked(), await gate, queue.meta.pendingSlices(limit)) };
    const worker = new DeletionWorker({ meta, store, blockSizeOf: () => BLOCK });
    const draining = worker.drain();
    await reading;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise(setImmediate);
    assert.equal(stopped, false, 'stop has not returned while the drain reads the queue');
    open();
    await stopping;
    assert.deepEqual(queue.finished.sort((a, b) => a - b), [1, 2], 'the drain finished before stop returned');
    assert.equal(await draining, 2);

    const failing = new DeletionWorker({ meta: { ...queue.meta, pendingSlices: async () => Promise.reject(new FsError('EIO', { syscall: 'test' })) }, store, blockSizeOf: () => BLOCK });
    const failed = failing.drain();
    await failing.stop();
    await assert.rejects(failed, (e: unknown) => e instanceof FsError && e.code === 'EIO');
  });

  it('asks the store to delete nothing for slices whose bytes the engine keeps (inline data)', async () => {
    const pending = [...slices(2), { id: 50 as SliceId, size: 10 }];
    const store = await storeWith(slices(2));
    const queue = queueOf(pending, new Set([50 as SliceId]));
    assert.equal(await new DeletionWorker({ meta: queue.meta, store, blockSizeOf: () => BLOCK }).drain(), 3);
    assert.deepEqual(store.requests.flat().filter((k) => k.includes('/50_')), [], 'no delete of an inline slice\'s (absent) block');
    assert.deepEqual(queue.finished.sort((a, b) => a - b), [1, 2, 50]);
  });

  it('deletes a batch of slices in one request where the store deletes many', async () => {
    const pending = slices(5);
    const store = await storeWith(pending);
    const queue = queueOf(pending);
    assert.equal(await new DeletionWorker({ meta: queue.meta, store, blockSizeOf: () => BLOCK }).drain(), 5);
    assert.equal(store.requests.length, 1);
    assert.equal(store.requests[0]!.length, 14, 'every block of the five slices (2 + 4 × 3)');
    assert.deepEqual((await store.list()).objects, []);
    assert.deepEqual(queue.finished.sort(), pending.map((s) => s.id));
  });

  it('makes the metadata durable before it deletes objects, once per batch', async () => {
    const pending = slices(3);
    const store = await storeWith(pending);
    const queue = queueOf(pending);
    const deleteMany = store.deleteMany.bind(store);
    const order: string[] = [];
    store.deleteMany = async (keys) => (order.push(`delete:${queue.syncs.length}`), deleteMany(keys));
    const worker = new DeletionWorker({ meta: queue.meta, store, blockSizeOf: () => BLOCK });
    assert.equal(await worker.drain(), 3);
    assert.deepEqual(order, ['delete:1'], 'the durable commit came before the delete');
    assert.equal(await worker.drain(), 0);
    assert.equal(queue.syncs.length, 1, 'an empty queue costs no durable commit');
  });

  it('a failing object holds back only its own slice', async () => {
    const pending = slices(4);
    const store = await storeWith(pending);
    const [bad] = sliceBlockKeys(pending[2]!.id, pending[2]!.size, BLOCK);
    store.failing.add(bad!);
    const queue = queueOf(pending);
    const worker = new DeletionWorker({ meta: queue.meta, store, blockSizeOf: () => BLOCK });
    assert.equal(await worker.drain(), 3);
    assert.deepEqual(queue.finished.sort(), [1, 2, 4]);
    assert.deepEqual((await store.list()).objects.map((o) => o.key), sliceBlockKeys(pending[2]!.id, pending[2]!.size, BLOCK));
    store.failing.clear();
    assert.equal(await worker.drain(), 1, 'the next drain finishes it');
    assert.deepEqual((await store.list()).objects, []);
  });
});
