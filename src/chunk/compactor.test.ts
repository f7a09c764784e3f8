import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { n, root, withMeta } from '../meta/testing/harness.js';
import { TEST_ENGINES } from '../meta/testing/test-engines.js';
import type { Ino } from '../meta/types.js';
import type { VolumeMeta } from '../meta/volume-meta.js';
import { MemoryStore } from '../object/stores/memory/memory-store.js';
import { ChunkStore } from './chunk-store.js';
import { COMPACT_THRESHOLD } from './compactor.js';

const memory = TEST_ENGINES.find((e) => e.name === 'mem')!;
const ROOT = 1 as Ino;

/** Writes `count` small overlapping pieces to a new file, each committed as its own record; returns the expected bytes. */
async function fragmented(meta: VolumeMeta, chunks: ChunkStore, name: string, count: number): Promise<{ ino: Ino; expected: Buffer }> {
  const { ino } = await meta.create(root, ROOT, n(name), 0o644);
  const expected = Buffer.alloc(3000);
  let length = 0;
  const writer = chunks.writer(ino);
  for (let i = 0; i < count; i++) {
    const at = (i * 37) % 2000;
    const piece = Buffer.alloc(100 + (i % 5) * 50, i + 1);
    piece.copy(expected, at);
    length = Math.max(length, at + piece.length);
    await writer.write(at, piece);
    await writer.flush();
  }
  return { ino, expected: expected.subarray(0, length) };
}

async function withChunks(fn: (meta: VolumeMeta, chunks: ChunkStore) => Promise<void>): Promise<void> {
  await withMeta(memory, async (meta) => {
    const chunks = new ChunkStore(meta, new MemoryStore(`mem://compactor-${process.pid}-${Math.random()}`));
    try {
      await fn(meta, chunks);
    } finally {
      await chunks.close();
    }
  });
}

const readAll = async (meta: VolumeMeta, chunks: ChunkStore, ino: Ino) => chunks.read(await meta.getattr(ino), { offset: 0, length: 1 << 20 });

describe('Compactor', () => {
  it(`rewrites a chunk of ${COMPACT_THRESHOLD}+ records as one slice with the same bytes, and frees the old slices`, async () => {
    await withChunks(async (meta, chunks) => {
      const { ino, expected } = await fragmented(meta, chunks, 'f', COMPACT_THRESHOLD + 2);
      await chunks.settle();
      const records = await meta.readChunk(ino, 0);
      assert.ok(records.length < COMPACT_THRESHOLD, `compacted to ${records.length} records`);
      assert.ok((await readAll(meta, chunks, ino)).equals(expected));
      const objects = (await chunks.store.list({})).objects.length;
      assert.ok(objects <= records.length * 1, `old slices' objects deleted: ${objects} left for ${records.length} records`);
    });
  });

  it('leaves a chunk below the threshold alone', async () => {
    await withChunks(async (meta, chunks) => {
      const { ino, expected } = await fragmented(meta, chunks, 'f', COMPACT_THRESHOLD - 8);
      await chunks.settle();
      assert.equal((await meta.readChunk(ino, 0)).length, COMPACT_THRESHOLD - 8);
      assert.ok((await readAll(meta, chunks, ino)).equals(expected));
    });
  });

  it('compacting one side of a clone leaves the other side its records and bytes', async () => {
    await withChunks(async (meta, chunks) => {
      const { ino, expected } = await fragmented(meta, chunks, 'f', COMPACT_THRESHOLD - 1);
      await chunks.settle();
      const copy = await meta.clone(root, { src: ino, parent: ROOT, name: n('copy') });
      const before = await meta.readChunk(copy.ino, 0);
      const writer = chunks.writer(ino);
      await writer.write(0, Buffer.from('x')); // one more record: past the threshold
      await writer.flush();
      await chunks.settle();
      assert.ok((await meta.readChunk(ino, 0)).length < COMPACT_THRESHOLD, 'the written side compacted');
      assert.deepEqual(await meta.readChunk(copy.ino, 0), before);
      assert.ok((await readAll(meta, chunks, copy.ino)).equals(expected), 'the clone reads its bytes after the deletions');
      const changed = Buffer.from(expected);
      changed[0] = 'x'.charCodeAt(0);
      assert.ok((await readAll(meta, chunks, ino)).equals(changed));
    });
  });
});
