import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../../errors/index.js';
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

    if (s.name !== 's3') {
      it('never replaces an existing object', async () => {
        await withStore(s, async (store) => {
          assert.equal(store.supports.noOverwrite, true);
          await store.put('k', Buffer.from('first'));
          await assert.rejects(store.put('k', Buffer.from('second')), code('EEXIST'));
          assert.equal((await store.get('k')).toString(), 'first');
        });
      });
    }
  });
}
