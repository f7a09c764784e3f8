import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { withMeta } from '../meta/testing/harness.js';
import { TEST_ENGINES } from '../meta/testing/test-engines.js';
import type { Ino } from '../meta/types.js';
import { MemoryStore } from '../object/stores/memory/memory-store.js';
import { ChunkStore } from './chunk-store.js';
import { WriteBudget } from './write-budget.js';

const memory = TEST_ENGINES.find((e) => e.name === 'mem')!;
const BLOCK = 4096;

/** A memory store whose puts wait until the test opens the gate (a handshake, not a delay). */
class GatedStore extends MemoryStore {
  private gate: Promise<void>;
  private openGate: () => void = () => undefined;
  waiting = 0;
  private onWaiting: (() => void) | undefined;

  constructor(url: string) {
    super(url);
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }
  /** Resolves once `n` puts are waiting at the gate. */
  waitingFor(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (this.waiting >= n ? resolve() : (this.onWaiting = check));
      check();
    });
  }
  open(): void {
    this.openGate();
  }
  override async put(key: string, data: Uint8Array): Promise<void> {
    this.waiting++;
    this.onWaiting?.();
    await this.gate;
    return super.put(key, data);
  }
}

describe('write budget: one write buffer per client', () => {
  it('holds at most its bytes, in the order asked; a request larger than the budget waits for all of it', async () => {
    const budget = new WriteBudget(10);
    await budget.acquire(6);
    const order: string[] = [];
    const big = budget.acquire(50).then(() => order.push('big'));
    const small = budget.acquire(1).then(() => order.push('small'));
    budget.release(6);
    await big;
    assert.equal(budget.used, 10, 'the oversized request holds the whole budget');
    budget.release(50);
    await small;
    assert.deepEqual(order, ['big', 'small']);
    assert.equal(budget.highWater, 10);
  });

  it('many concurrent writers never hold more than the budget between them, wait for room, and all their data lands', async () => {
    await withMeta(memory, async (meta) => {
      const store = new GatedStore(`mem://budget-${process.pid}-${Math.random()}`);
      const chunks = new ChunkStore(meta, store, { bufferSize: 4 * BLOCK, deleteObjects: false });
      try {
        const files = await Promise.all(Array.from({ length: 12 }, (_, i) => meta.create({ uid: 0, gid: 0, gids: [], umask: 0 }, 1 as Ino, Buffer.from(`f${i}`), 0o644)));
        const data = files.map(() => randomBytes(6 * BLOCK + 100));
        const writers = files.map((f) => chunks.writer(f.ino));
        let written = 0;
        const writes = writers.map(async (w, i) => {
          for (let at = 0; at < data[i]!.length; at += 3000) await w.write(at, data[i]!.subarray(at, at + 3000));
          written++;
        });
        // Four blocks fill the budget: their uploads wait at the gate, and no writer gets further room meanwhile.
        await store.waitingFor(4);
        assert.equal(chunks.budget.used, 4 * BLOCK);
        assert.equal(written, 0, 'writers wait for room instead of buffering more');
        store.open();
        await Promise.all(writes);
        await Promise.all(writers.map((w) => w.flush()));
        assert.ok(chunks.budget.highWater <= 4 * BLOCK, `high-water ${chunks.budget.highWater}`);
        assert.equal(chunks.budget.used, 0);
        for (const [i, f] of files.entries()) {
          const attr = await meta.getattr(f.ino);
          assert.ok((await chunks.read(attr, { offset: 0, length: attr.length })).equals(data[i]!), `file ${i}`);
        }
      } finally {
        await chunks.close();
        MemoryStore.reset(store.url);
      }
    });
  });
});
