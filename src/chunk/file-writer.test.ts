import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Limiter } from '../concurrency/limiter.js';
import { FsError } from '../errors/index.js';
import { n, root, withMeta } from '../meta/testing/harness.js';
import { TEST_ENGINES } from '../meta/testing/test-engines.js';
import { CHUNK_SIZE, type Ino } from '../meta/types.js';
import type { VolumeMeta } from '../meta/volume-meta.js';
import { MemoryStore } from '../object/stores/memory/memory-store.js';
import { COMPACT_THRESHOLD } from './compactor.js';
import { FileWriter } from './file-writer.js';
import { UnsyncedObjects } from './unsynced-objects.js';
import { WriteBudget } from './write-budget.js';

const memory = TEST_ENGINES.find((e) => e.name === 'mem')!;
const BLOCK = 4096; // the test volumes' block size

/** A memory store whose puts can be made to fail. */
class FlakyStore extends MemoryStore {
  failPuts = false;
  override async put(key: string, data: Uint8Array): Promise<void> {
    if (this.failPuts) throw new FsError('EIO', { syscall: 'put', path: key, detail: 'injected' });
    return super.put(key, data);
  }
  async keys(): Promise<string[]> {
    return (await this.list({})).objects.map((o) => o.key).sort();
  }
}

async function withWriter(
  fn: (w: FileWriter, ctx: { meta: VolumeMeta; store: FlakyStore; ino: Ino; checked: number[][] }) => Promise<void>,
  inlineSize = 0,
  options: { empty?: boolean } = {},
): Promise<void> {
  await withMeta(memory, async (meta) => {
    const store = new FlakyStore(`mem://file-writer-${process.pid}-${Math.random()}`);
    const { ino } = await meta.create(root, 1 as Ino, n('f'), 0o644);
    const checked: number[][] = [];
    const writer = new FileWriter(
      { meta, store, unsynced: new UnsyncedObjects(store), blockSize: BLOCK, inlineSize: () => inlineSize, uploads: new Limiter(4), budget: new WriteBudget(4 * BLOCK),
        onCommit: (_ino, indexes) => checked.push([...indexes]) },
      ino,
      options,
    );
    await fn(writer, { meta, store, ino, checked });
  });
}

describe('FileWriter', () => {
  it('buffers until flush, then commits one record per contiguous run, cut into blocks', async () => {
    await withWriter(async (w, { meta, store, ino }) => {
      await w.write(0, Buffer.alloc(5000, 1));
      await w.write(5000, Buffer.alloc(5000, 2)); // appends to the same slice
      assert.equal(w.dirty, true);
      assert.equal(w.lengthOver(0), 10_000);
      assert.equal((await meta.getattr(ino)).length, 0, 'nothing committed before flush');
      const attr = await w.flush();
      assert.equal(attr?.length, 10_000);
      assert.equal(w.dirty, false);
      const records = await meta.readChunk(ino, 0);
      assert.deepEqual(records.map((r) => [r.pos, r.len, r.off, r.size]), [[0, 10_000, 0, 10_000]]);
      const lengths = (await store.keys()).map((k) => Number(k.split('_').pop()));
      assert.deepEqual(lengths.sort((a, b) => a - b), [1808, 4096, 4096]);
    });
  });

  it('commits a slice up to the inline size with its bytes (no object); larger ones and their neighbours as objects', async () => {
    await withWriter(async (w, { meta, store, ino }) => {
      await w.write(0, Buffer.from('small'));
      await w.write(1000, Buffer.alloc(3000, 7)); // not contiguous: a second slice, over the inline size
      await w.flush();
      const [small, large] = await meta.readChunk(ino, 0);
      assert.deepEqual([small!.size, large!.size], [5, 3000]);
      const inline = await meta.readSliceData([small!.id, large!.id]);
      assert.deepEqual([...inline.keys()], [small!.id]);
      assert.equal(inline.get(small!.id)!.toString(), 'small');
      assert.deepEqual(await store.keys(), [`chunks/0/0/${large!.id}_0_3000`], 'only the large slice was uploaded');
      await w.write(5, Buffer.from('!'));
      store.failPuts = true; // an inline commit needs no put
      assert.equal((await w.flush())?.length, 4000);
    }, 2048);
  });

  it('cuts a write that crosses a chunk boundary into one record per chunk', async () => {
    await withWriter(async (w, { meta, ino }) => {
      await w.write(CHUNK_SIZE - 10, Buffer.alloc(30, 9));
      await w.flush();
      assert.deepEqual((await meta.readChunk(ino, 0)).map((r) => [r.pos, r.len]), [[CHUNK_SIZE - 10, 10]]);
      assert.deepEqual((await meta.readChunk(ino, 1)).map((r) => [r.pos, r.len]), [[0, 20]]);
      assert.equal((await meta.getattr(ino)).length, CHUNK_SIZE + 20);
    });
  });

  it('a write that does not continue the last slice starts a new one; later records lie on top', async () => {
    await withWriter(async (w, { meta, ino }) => {
      await w.write(100, Buffer.alloc(10, 1));
      await w.write(0, Buffer.alloc(200, 2));
      await w.flush();
      assert.deepEqual((await meta.readChunk(ino, 0)).map((r) => [r.pos, r.len]), [[100, 10], [0, 200]]);
    });
  });

  it('a failed upload fails the flush with EIO once, commits nothing and deletes what it uploaded', async () => {
    await withWriter(async (w, { meta, store, ino }) => {
      await w.write(0, Buffer.alloc(BLOCK, 1)); // a full block: uploaded at once
      await w.flush();
      const committed = await store.keys();
      store.failPuts = true;
      await w.write(BLOCK, Buffer.alloc(3 * BLOCK, 2));
      await assert.rejects(w.flush(), (err: unknown) => err instanceof FsError && err.code === 'EIO' && /upload failed/.test(err.message));
      assert.equal((await meta.getattr(ino)).length, BLOCK, 'the failed write left the file as it was');
      assert.deepEqual(await store.keys(), committed, 'no object of the failed slice is left');
      store.failPuts = false;
      assert.equal(await w.flush(), undefined, 'the failure was reported once; nothing is left to commit');
      await w.write(BLOCK, Buffer.alloc(10, 3));
      assert.equal((await w.flush())?.length, BLOCK + 10);
    });
  });

  it('appends are placed at the end the commit finds (after other clients\' appends); the shown length applies writes and appends in order', async () => {
    await withWriter(async (w, { meta, ino }) => {
      await w.write(0, Buffer.alloc(100, 1));
      await w.flush();
      await w.append(Buffer.alloc(10, 2));
      await w.write(105, Buffer.alloc(20, 3)); // over the append's tail and past it
      await w.append(Buffer.alloc(5, 4));
      assert.equal(w.lengthOver(100), 130, '100 + 10, then max(110, 125), then + 5');
      const other = await meta.newSliceId(); // another client's append commits first
      await meta.commitSlices(ino, [{ index: 0, record: { pos: 0, id: other, size: 7, off: 0, len: 7 }, atEnd: true }]);
      // 107 + 10, then max(117, 125), then + 5: the positional write stays where it was written.
      assert.equal((await w.flush())?.length, 130);
      assert.deepEqual((await meta.readChunk(ino, 0)).map((r) => [r.pos, r.len]), [[0, 100], [100, 7], [107, 10], [105, 20], [125, 5]]);
      assert.equal(w.lengthOver(130), 130, 'nothing left buffered');
    });
  });

  it('on a file it began empty, asks for a compaction check only once its own commits reach the threshold; otherwise after every commit', async () => {
    const commitSmall = async (w: FileWriter, times: number, at: number) => {
      for (let i = 0; i < times; i++) {
        await w.write(at + i * 10, Buffer.alloc(3, i));
        await w.flush();
      }
    };
    await withWriter(async (w, { checked }) => {
      await commitSmall(w, COMPACT_THRESHOLD - 1, 0);
      assert.deepEqual(checked, [], 'known short: no read of the chunk');
      await commitSmall(w, 1, 5000);
      await w.write(CHUNK_SIZE + 1, Buffer.alloc(3));
      await w.flush();
      await commitSmall(w, 1, 6000);
      assert.deepEqual(checked, [[0], [0]], 'from the threshold on, chunk 0 is checked at each commit; chunk 1 is still short');
      await w.append(Buffer.alloc(3));
      await w.flush();
      assert.equal(checked.length, 3, 'an append: its chunk is only known from the length');
    }, 0, { empty: true });
    await withWriter(async (w, { checked }) => {
      await commitSmall(w, 2, 0);
      assert.deepEqual(checked, [[0], [0]], 'a file not known to be empty: every commit');
    });
  });

  it('refuses a negative offset (EINVAL) and a write past the largest file (EFBIG)', async () => {
    await withWriter(async (w) => {
      await assert.rejects(w.write(-1, Buffer.from('x')), (e: unknown) => e instanceof FsError && e.code === 'EINVAL');
      await assert.rejects(w.write(Number.MAX_SAFE_INTEGER - 1, Buffer.from('xx')), (e: unknown) => e instanceof FsError && e.code === 'EFBIG');
    });
  });
});
