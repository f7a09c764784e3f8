import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Limiter } from '../concurrency/limiter.js';
import { FsError } from '../errors/index.js';
import type { SliceId } from '../meta/types.js';
import type { ByteRange } from '../object/object-store.js';
import { MemoryStore } from '../object/stores/memory/memory-store.js';
import { BlockCache } from './block-cache.js';
import { blockKey, sliceBlockKeys } from './block-key.js';
import { readChunkRange } from './file-reader.js';
import { SliceReader } from './slice-reader.js';

const BLOCK = 256 * 1024; // above the reader's small-read size, so whole-block fetches are cached

/** A memory store that records each get: its key and whether it asked for a range. */
class CountingStore extends MemoryStore {
  gets: { key: string; range?: ByteRange }[] = [];
  override async get(key: string, range?: ByteRange): Promise<Buffer> {
    this.gets.push({ key, range });
    return super.get(key, range);
  }
}

const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

/** A slice of `size` patterned bytes stored as blocks, and a reader over it. */
async function setup(size: number, options: { readAhead?: number; cache?: number; inline?: Map<SliceId, Buffer> } = {}) {
  const store = new CountingStore(`mem://slice-reader-${process.pid}-${Math.random()}`);
  const id = 7 as SliceId;
  const data = pattern(size);
  const keys = sliceBlockKeys(id, size, BLOCK);
  for (let i = 0; i < keys.length; i++) await store.put(keys[i]!, data.subarray(i * BLOCK, Math.min(size, (i + 1) * BLOCK)));
  const cache = new BlockCache(options.cache ?? 64 * BLOCK);
  const inlineReads: SliceId[][] = [];
  const inline = async (ids: readonly SliceId[]) => {
    inlineReads.push([...ids]);
    return new Map([...(options.inline ?? [])].filter(([i]) => ids.includes(i)));
  };
  const reader = new SliceReader(store, { blockSizeOf: () => BLOCK, cache, requests: new Limiter(8), readAhead: options.readAhead ?? 0, inline, mayBeInline: () => true });
  return { store, reader, cache, data, slice: { id, size }, keys, inlineReads };
}

describe('SliceReader', () => {
  it('reads any range, across block boundaries and up to the short last block', async () => {
    const { reader, data, slice } = await setup(3 * BLOCK + 1000);
    for (const [off, len] of [[0, 10], [BLOCK - 5, 10], [BLOCK - 1, 2 * BLOCK + 2], [3 * BLOCK, 1000], [0, 3 * BLOCK + 1000]] as const) {
      assert.ok((await reader.read(slice, off, len)).equals(data.subarray(off, off + len)), `range ${off}+${len}`);
    }
  });

  it('reads inline data from the engine once, and asks once about a small slice whose bytes are in objects', async () => {
    const bytes = Buffer.from('kept in the engine');
    const inlined = await setup(100, { inline: new Map([[8 as SliceId, bytes]]) });
    const reads = await Promise.all([0, 5].map((off) => inlined.reader.read({ id: 8 as SliceId, size: bytes.length }, off, 4)));
    assert.deepEqual(reads.map(String), ['kept', 'in t']);
    assert.equal((await inlined.reader.read({ id: 8 as SliceId, size: bytes.length }, 0, bytes.length)).toString(), String(bytes));
    assert.deepEqual(inlined.inlineReads, [[8]], 'one engine read, then the cache');
    assert.equal(inlined.store.gets.length, 0);
    await assert.rejects(inlined.reader.read({ id: 8 as SliceId, size: 99 }, 0, 1), (e: FsError) => e.code === 'EIO', 'a record whose size is not the inline data\'s');
    const { reader, store, data, slice, inlineReads } = await setup(100);
    for (let i = 0; i < 2; i++) assert.ok((await reader.read(slice, 10, 20)).equals(data.subarray(10, 30)));
    assert.deepEqual(inlineReads, [[slice.id]], 'not inline: remembered');
    assert.equal(store.gets.length, 2);
  });

  it('fetches a whole block once for concurrent readers and serves it from the cache after', async () => {
    const { reader, store, data, slice, keys, cache } = await setup(BLOCK);
    const reads = await Promise.all([0, 1, 2, 3].map((i) => reader.read(slice, i * 25_000, 150_000)));
    reads.forEach((r, i) => assert.ok(r.equals(data.subarray(i * 25_000, i * 25_000 + 150_000))));
    assert.equal(store.gets.length, 1);
    assert.ok(cache.get(keys[0]!));
    await reader.read(slice, 10, 100);
    assert.equal(store.gets.length, 1, 'a cached block needs no request');
  });

  it('gives a range within one cached block as that block\'s memory, and a range across blocks as a copy', async () => {
    const { reader, data, slice, keys, cache } = await setup(2 * BLOCK);
    const inside = await reader.read(slice, 1000, 150_000);
    assert.ok(inside.equals(data.subarray(1000, 151_000)));
    assert.equal(inside.buffer, cache.get(keys[0]!)!.buffer, 'no copy of the block');
    const across = await reader.read(slice, BLOCK - 140_000, 280_000);
    assert.ok(across.equals(data.subarray(BLOCK - 140_000, BLOCK + 140_000)));
    assert.notEqual(across.buffer, cache.get(keys[0]!)!.buffer);
    assert.notEqual(across.buffer, cache.get(keys[1]!)!.buffer);
  });

  it('a chunk range one slice covers is that slice\'s bytes; holes and several slices are assembled as zeros and copies', async () => {
    const { reader, data, slice, keys, cache } = await setup(2 * BLOCK);
    const whole = [{ pos: 0, id: slice.id, size: slice.size, off: 0, len: slice.size }];
    const covered = await readChunkRange(reader, whole, { from: 1000, to: 151_000 });
    assert.ok(covered.equals(data.subarray(1000, 151_000)));
    assert.equal(covered.buffer, cache.get(keys[0]!)!.buffer, 'no copy of the block');
    // The slice shown at 100 bytes in, from its byte 10: zeros before it, then its bytes.
    const shifted = [{ pos: 100, id: slice.id, size: slice.size, off: 10, len: 1000 }];
    const withHole = await readChunkRange(reader, shifted, { from: 0, to: 1100 });
    assert.ok(withHole.equals(Buffer.concat([Buffer.alloc(100), data.subarray(10, 1010)])));
    // Two records of the slice, the later one over the first's middle.
    const overlaid = [{ pos: 0, id: slice.id, size: slice.size, off: 0, len: 3000 }, { pos: 1000, id: slice.id, size: slice.size, off: 5000, len: 500 }];
    const expected = Buffer.concat([data.subarray(0, 1000), data.subarray(5000, 5500), data.subarray(1500, 3000)]);
    assert.ok((await readChunkRange(reader, overlaid, { from: 0, to: 3000 })).equals(expected));
    assert.equal((await readChunkRange(reader, whole, { from: 5, to: 5 })).length, 0);
  });

  it('fetches a small part of an uncached block as a range and does not cache it', async () => {
    const { reader, store, data, slice, keys, cache } = await setup(BLOCK);
    assert.ok((await reader.read(slice, 1000, 100)).equals(data.subarray(1000, 1100)));
    assert.deepEqual(store.gets, [{ key: keys[0], range: { offset: 1000, length: 100 } }]);
    assert.equal(cache.get(keys[0]!), undefined);
  });

  it('reads ahead: the blocks after a read are fetched and then found in the cache', async () => {
    const { reader, store, slice, keys, cache } = await setup(4 * BLOCK, { readAhead: 2 });
    await reader.read(slice, 0, BLOCK);
    for (let i = 0; i < 50 && !(cache.get(keys[1]!) && cache.get(keys[2]!)); i++) await new Promise((r) => setImmediate(r));
    assert.ok(cache.get(keys[1]!) && cache.get(keys[2]!), 'blocks 1 and 2 were read ahead');
    assert.equal(cache.get(keys[3]!), undefined, 'no further than asked');
    const before = store.gets.length;
    await reader.read(slice, BLOCK, 2 * BLOCK);
    assert.equal(store.gets.filter((g) => g.key === keys[1] || g.key === keys[2]).length, 2, 'each fetched once');
    assert.ok(store.gets.length >= before);
  });

  it('a range outside the slice (a malformed record) is EIO, not a hang', async () => {
    const { reader, slice } = await setup(BLOCK);
    for (const [off, len] of [[BLOCK - 10, 20], [-1, 5], [0, -5]] as const) {
      await assert.rejects(reader.read(slice, off, len), (err: unknown) => err instanceof FsError && err.code === 'EIO' && /outside the slice/.test(err.message));
    }
  });

  it('a missing block is EIO naming the object; so is a block shorter than its key says', async () => {
    const { reader, store, slice, keys } = await setup(2 * BLOCK);
    await store.delete(keys[1]!);
    await assert.rejects(reader.read(slice, BLOCK, 10_000), (err: unknown) => err instanceof FsError && err.code === 'EIO' && /object missing/.test(err.message) && err.message.includes(keys[1]!));

    const short = { id: 9 as SliceId, size: BLOCK };
    await store.put(blockKey(short.id, 0, BLOCK), Buffer.alloc(BLOCK - 1));
    await assert.rejects(reader.read(short, 0, BLOCK), (err: unknown) => err instanceof FsError && err.code === 'EIO' && /shorter/.test(err.message));
  });
});
