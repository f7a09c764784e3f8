import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../../errors/index.js';
import { deleteObjects } from '../delete-objects.js';
import { listAll } from '../list-all.js';
import type { ObjectStore } from '../object-store.js';
import { openObjectStore } from '../registry.js';
import type { TestStore } from './test-stores.js';

async function withStore(s: TestStore, fn: (store: ObjectStore) => Promise<void>): Promise<void> {
  const url = await s.newUrl();
  const store = await openObjectStore(url);
  try {
    await fn(store);
  } finally {
    await store.close();
    await s.cleanup(url);
  }
}

const code = (c: string) => (e: unknown) => e instanceof FsError && e.code === c;

/** The object-store contract, run against one kind of store with a fresh store per test. */
export function storeConformance(s: TestStore): void {
  describe(`object store [${s.name}]`, () => {
    it('puts, gets whole objects and byte ranges, heads and deletes', async () => {
      await withStore(s, async (store) => {
        const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 256));
        await store.put('chunks/0/0/1_0_10000', data);
        assert.deepEqual(await store.get('chunks/0/0/1_0_10000'), data);
        assert.deepEqual(await store.get('chunks/0/0/1_0_10000', { offset: 100, length: 50 }), data.subarray(100, 150));
        assert.deepEqual(await store.get('chunks/0/0/1_0_10000', { offset: 9990 }), data.subarray(9990));
        assert.deepEqual(await store.head('chunks/0/0/1_0_10000'), { key: 'chunks/0/0/1_0_10000', size: 10_000 });
        assert.equal(await store.head('chunks/0/0/nope'), undefined);
        await store.delete('chunks/0/0/1_0_10000');
        await store.delete('chunks/0/0/1_0_10000');
        await assert.rejects(store.get('chunks/0/0/1_0_10000'), code('ENOENT'));
        await store.put('empty', Buffer.alloc(0));
        assert.equal((await store.get('empty')).length, 0);
      });
    });

    it('refuses keys that escape the root or name nothing', async () => {
      await withStore(s, async (store) => {
        for (const key of ['../x', 'a/../../x', '/etc/passwd', '', 'a//b', 'a/./b', 'a\0b']) {
          await assert.rejects(store.put(key, Buffer.from('x')), code('EINVAL'), key);
        }
      });
    });

    it('lists by prefix in key order, page by page', async () => {
      await withStore(s, async (store) => {
        const keys = Array.from({ length: 25 }, (_, i) => `chunks/${i % 3}/${i}_0_1`).concat(['other/x', 'chunks-not/y']);
        for (const k of keys) await store.put(k, Buffer.from('z'));
        const page = await store.list({ prefix: 'chunks/', limit: 10 });
        assert.equal(page.objects.length, 10);
        assert.ok(page.next);
        const all: string[] = [];
        for await (const o of listAll(store, 'chunks/', 7)) all.push(o.key);
        assert.deepEqual(all, keys.filter((k) => k.startsWith('chunks/')).sort());
        const everything: string[] = [];
        for await (const o of listAll(store, '', 4)) everything.push(o.key);
        assert.deepEqual(everything, [...keys].sort());
      });
    });

    it('replaces an existing object only where the store allows it', async () => {
      await withStore(s, async (store) => {
        await store.put('k', Buffer.from('first'));
        if (store.supports.noOverwrite) {
          await assert.rejects(store.put('k', Buffer.from('second')), code('EEXIST'));
          assert.equal((await store.get('k')).toString(), 'first');
        } else {
          await store.put('k', Buffer.from('second'));
          assert.equal((await store.get('k')).toString(), 'second');
        }
      });
    });

    it('reads ranges at and past the end as the bytes that exist', async () => {
      await withStore(s, async (store) => {
        await store.put('r', Buffer.from('0123456789'));
        assert.equal((await store.get('r', { offset: 10 })).length, 0);
        assert.equal((await store.get('r', { offset: 4, length: 0 })).length, 0);
        assert.equal((await store.get('r', { offset: 7, length: 100 })).toString(), '789');
        assert.equal((await store.get('r', { offset: 0, length: 1 })).toString(), '0');
        await assert.rejects(store.get('missing', { offset: 1, length: 2 }), code('ENOENT'));
        await assert.rejects(store.get('missing', { offset: 0, length: 0 }), code('ENOENT'));
      });
    });

    it('lists prefixes that are not directories, and after any key', async () => {
      await withStore(s, async (store) => {
        for (const k of ['a/1', 'a/10', 'a/2', 'ab', 'a-b/1', 'b']) await store.put(k, Buffer.from(k));
        const keys = async (o: { prefix?: string; startAfter?: string }) => (await store.list(o)).objects.map((x) => x.key);
        assert.deepEqual(await keys({ prefix: 'a/1' }), ['a/1', 'a/10']);
        assert.deepEqual(await keys({ prefix: 'a/', startAfter: 'a/10' }), ['a/2']);
        assert.deepEqual(await keys({ prefix: 'a' }), ['a-b/1', 'a/1', 'a/10', 'a/2', 'ab']);
        assert.deepEqual(await keys({ startAfter: 'a/2' }), ['ab', 'b']);
        assert.deepEqual(await keys({ prefix: 'zz' }), []);
        const page = await store.list({ prefix: 'a', limit: 5 });
        assert.equal(page.objects.length, 5);
        assert.equal(page.next === undefined || (await store.list({ prefix: 'a', startAfter: page.next })).objects.length === 0, true);
        assert.deepEqual((await store.list({ prefix: 'b' })).objects.map(({ key, size }) => ({ key, size })), [{ key: 'b', size: 1 }]);
        const { mtime } = (await store.list({ prefix: 'b' })).objects[0]!;
        assert.ok(mtime === undefined || Math.abs(mtime - Date.now()) < 60_000, `mtime ${mtime} is about now`);
      });
    });

    it('lists while another client deletes: no error, only keys that existed, each once', async () => {
      await withStore(s, async (store) => {
        const keys = Array.from({ length: 300 }, (_, i) => `chunks/0/0/${i}_0_1`);
        for (let round = 0; round < 3; round++) {
          await Promise.all(keys.map((k) => store.put(k, Buffer.from('x')).catch(() => undefined)));
          const listing = (async () => {
            const seen: string[] = [];
            for await (const o of listAll(store, 'chunks/', 1000)) seen.push(o.key);
            return seen;
          })();
          // One at a time from the end, so the listing meets keys that went after it read their directory.
          for (const k of [...keys].reverse()) await store.delete(k);
          const seen = await listing;
          assert.equal(new Set(seen).size, seen.length, 'each key once');
          assert.deepEqual(seen.filter((k) => !keys.includes(k)), []);
        }
      });
    });

    it('syncs objects it holds (none, one, many in nested directories) and refuses bad keys', async () => {
      await withStore(s, async (store) => {
        const keys = ['top', 'chunks/0/0/7_0_3', 'chunks/0/1/1007_0_3', 'chunks/2/2000/2002000_1_3'];
        for (const k of keys) await store.put(k, Buffer.from('abc'));
        await store.sync([]);
        await store.sync(['top']);
        await store.sync(keys);
        await store.sync(keys); // again: nothing new, still fine
        for (const k of keys) assert.equal((await store.get(k)).toString(), 'abc');
        await assert.rejects(store.sync(['../escape']), code('EINVAL'));
      });
    });

    it('deletes many objects at once, missing ones included', async () => {
      await withStore(s, async (store) => {
        const keys = Array.from({ length: 30 }, (_, i) => `d/${i}`);
        for (const k of keys) await store.put(k, Buffer.from(k));
        await store.put('keep', Buffer.from('x'));
        assert.equal(typeof store.deleteMany === 'function', store.supports.deleteMany);
        await deleteObjects(store, [...keys, 'd/never-written']);
        assert.deepEqual((await store.list()).objects.map((o) => o.key), ['keep']);
        await assert.rejects(deleteObjects(store, ['ok', '../escape']), code('EINVAL'));
      });
    });

    it('serves many requests at once, and objects larger than a block', async () => {
      await withStore(s, async (store) => {
        const blob = (i: number, n: number) => Buffer.alloc(n, i);
        await Promise.all(Array.from({ length: 40 }, (_, i) => store.put(`p/${String(i).padStart(2, '0')}`, blob(i, 64 * 1024 + i))));
        const back = await Promise.all(Array.from({ length: 40 }, (_, i) => store.get(`p/${String(i).padStart(2, '0')}`)));
        back.forEach((b, i) => assert.ok(b.equals(blob(i, 64 * 1024 + i)), `object ${i}`));
        const big = Buffer.allocUnsafe(5 * 1024 * 1024 + 3);
        for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 255;
        await store.put('big', big);
        assert.ok((await store.get('big')).equals(big));
        assert.ok((await store.get('big', { offset: 4 * 1024 * 1024 - 5, length: 10 })).equals(big.subarray(4 * 1024 * 1024 - 5, 4 * 1024 * 1024 + 5)));
        assert.equal((await store.list({ prefix: 'p/' })).objects.length, 40);
      });
    });

    it('creates its bucket when it can, leaving an existing one as it is', async () => {
      await withStore(s, async (store) => {
        assert.equal(typeof store.createBucket === 'function', store.supports.createBucket);
        if (!store.createBucket) return;
        await store.put('x', Buffer.from('kept'));
        await store.createBucket();
        assert.equal((await store.get('x')).toString(), 'kept');
      });
    });
  });
}
