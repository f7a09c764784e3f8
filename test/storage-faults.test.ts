// Object-store faults seen through the SDK: what a writer, a reader and the deletion queue
// see when the store fails. Faults come from the storage URL (?faults=, see docs/storage.md),
// so they sit under the retry wrapper exactly where a failing S3 service would.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FsError, Volume } from '../src/sdk/index.js';
import { MemoryEngine } from '../src/meta/engines/memory/memory-engine.js';
import type { Ino } from '../src/meta/types.js';
import { listAll } from '../src/object/list-all.js';
import { openObjectStore } from '../src/object/registry.js';
import { memoryTestStore, s3TestStore, type TestStore } from '../src/object/testing/test-stores.js';

const MiB = 1024 * 1024;
const isEio = (e: unknown) => e instanceof FsError && e.code === 'EIO';
const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255));
const withParams = (url: string, params: string) => `${url}${url.includes('?') ? '&' : '?'}${params}`;

/** Keys of block objects in a store (read through the plain URL, no faults). */
async function blockKeys(storeUrl: string): Promise<string[]> {
  const store = await openObjectStore(storeUrl);
  try {
    const keys: string[] = [];
    for await (const o of listAll(store, 'chunks/')) keys.push(o.key);
    return keys;
  } finally {
    await store.close();
  }
}

for (const stores of [memoryTestStore, s3TestStore()] as TestStore[]) {
  describe(`object-store faults through a volume [${stores.name}]`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      for (const c of cleanups) await c();
    });
    let n = 0;

    /** A fresh volume whose storage URL carries `faults`; returns it open, and its plain storage URL. */
    async function volumeWith(faults: string, options: { deleteObjects?: boolean } = {}) {
      const storeUrl = await stores.newUrl();
      const metaUrl = `mem://storage-faults-${process.pid}-${stores.name.replace(/\W/g, '')}-${++n}`;
      // Inline data off: these tests are about uploads, small files included.
      await Volume.format(metaUrl, 'faults', { storage: faults ? withParams(storeUrl, faults) : storeUrl, blockSize: '1M', inlineSize: 0 });
      const volume = await Volume.open(metaUrl, { deleteObjects: options.deleteObjects ?? true });
      cleanups.push(async () => {
        await volume.close().catch(() => undefined);
        MemoryEngine.reset(metaUrl);
        await stores.cleanup(storeUrl);
      });
      return { volume, storeUrl, metaUrl };
    }

    it('an upload that keeps failing is EIO at fsync or close, and commits no slice', async () => {
      const { volume, storeUrl } = await volumeWith('faults=put,key=chunks/*&retries=1');
      const handle = await volume.open('/big', 'w');
      await handle.write(pattern(3 * MiB + 100));
      await assert.rejects(handle.sync(), isEio);
      await handle.close();
      const { ino, size } = await volume.stat('/big');
      assert.equal(size, 0);
      assert.deepEqual(await volume.meta.readChunk(ino as Ino, 0), []);
      const totals = await volume.meta.engine.totals();
      assert.equal(totals.slices, 0);
      assert.equal(totals.sliceBytes, 0);
      assert.deepEqual(await blockKeys(storeUrl), []);

      const small = await volume.open('/small', 'w');
      await small.write('hello');
      await assert.rejects(small.close(), isEio);
      assert.equal((await volume.stat('/small')).size, 0);
      assert.equal((await volume.meta.engine.totals()).slices, 0);
    });

    it('transient failures are retried and invisible; without retries they surface', async () => {
      const data = pattern(2 * MiB + 12345);
      const { volume } = await volumeWith('faults=put,times=3,key=chunks/*,error=SlowDown;get,times=2,key=chunks/*,error=ECONNRESET');
      await volume.writeFile('/f', data);
      assert.ok((await volume.readFile('/f')).equals(data));
      assert.equal((await volume.meta.engine.totals()).slices, 1);

      const { volume: plain } = await volumeWith('faults=put,times=3,key=chunks/*,error=SlowDown&retries=0');
      await assert.rejects(plain.writeFile('/f', data), isEio);
    });

    it('a missing, failing or truncated object reads as EIO, never as wrong bytes', async () => {
      const data = pattern(MiB + 500);
      const { volume, storeUrl } = await volumeWith('');
      await volume.writeFile('/gone', data);
      const store = await openObjectStore(storeUrl);
      for (const key of await blockKeys(storeUrl)) await store.delete(key);
      await store.close();
      await assert.rejects(volume.readFile('/gone'), isEio);

      const { volume: truncating } = await volumeWith('faults=get,truncate,key=chunks/*');
      await truncating.writeFile('/short', data);
      await assert.rejects(truncating.readFile('/short'), isEio);

      const { volume: failing } = await volumeWith('faults=get,key=chunks/*&retries=1');
      await failing.writeFile('/broken', data);
      await assert.rejects(failing.readFile('/broken'), isEio);
    });

    it('the deletion queue keeps a slice whose delete fails, and deletes it once the fault clears', async () => {
      const { volume, storeUrl } = await volumeWith('faults=delete,times=3,key=chunks/*&retries=0', { deleteObjects: false });
      await volume.writeFile('/doomed', pattern(MiB + 1));
      const keys = await blockKeys(storeUrl);
      assert.equal(keys.length, 2);
      await volume.unlink('/doomed');
      const deletions = volume.vfs.chunks.deletions;
      assert.equal(await deletions.drain(), 0, 'both deletes fail');
      assert.equal((await volume.meta.engine.totals()).pendingSlices, 1);
      assert.deepEqual(await blockKeys(storeUrl), keys);
      // How many drains the last fault takes depends on the store: one request per object
      // (mem) fails one block's delete, a DeleteObjects request (s3) is retried slice by slice.
      let drains = 1;
      while ((await deletions.drain()) === 0) {
        assert.equal((await volume.meta.engine.totals()).pendingSlices, 1, 'the slice stays queued while a delete fails');
        assert.ok(++drains <= 3, 'three faults are spent within three drains');
      }
      assert.equal((await volume.meta.engine.totals()).pendingSlices, 0);
      assert.deepEqual(await blockKeys(storeUrl), []);
    });
  });
}

describe('format and missing buckets', () => {
  it('names the missing bucket, and --create-bucket creates it', async () => {
    const s3 = s3TestStore();
    const existing = await s3.newUrl();
    const missing = existing.replace(/@test-(\d+)-(\d+)\//, '@absent-$1-$2/');
    const metaUrl = `mem://format-bucket-${process.pid}`;
    try {
      await assert.rejects(Volume.format(metaUrl, 'vol', { storage: missing }), (e: unknown) => {
        const err = e as { code?: string; message: string };
        return err.code === 'ERR_STORE_UNWRITABLE' && /bucket 'absent-\d+-\d+' does not exist; create it, or format with --create-bucket/.test(err.message)
          && !err.message.includes(':S3RVER@');
      });
      await Volume.format(metaUrl, 'vol', { storage: missing, createBucket: true });
      const volume = await Volume.open(metaUrl);
      await volume.writeFile('/x', Buffer.alloc(5000, 1)); // above the inline size: an object
      await volume.close();
      assert.equal((await blockKeys(missing)).length, 1);
    } finally {
      MemoryEngine.reset(metaUrl);
      await s3.cleanup(existing);
      await s3.cleanup(missing);
    }
  });
});
