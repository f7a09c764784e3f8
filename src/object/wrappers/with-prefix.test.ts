import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FsError } from '../../errors/index.js';
import { listAll } from '../list-all.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { withPrefix } from './with-prefix.js';

test('a prefixed store sees and lists only its own objects, under their short keys', async () => {
  const inner = new MemoryStore(`mem://prefix-${process.pid}`);
  const a = withPrefix(inner, 'vol/a/');
  const b = withPrefix(inner, 'vol/b/');
  for (const k of ['x/1', 'x/2', 'y']) await a.put(k, Buffer.from(k));
  await b.put('x/1', Buffer.from('b'));
  assert.deepEqual((await inner.list()).objects.map((o) => o.key), ['vol/a/x/1', 'vol/a/x/2', 'vol/a/y', 'vol/b/x/1']);
  const page = await a.list({ limit: 2 });
  assert.deepEqual(page, { objects: [{ key: 'x/1', size: 3 }, { key: 'x/2', size: 3 }], next: 'x/2' });
  assert.deepEqual((await a.list({ startAfter: page.next })).objects.map((o) => o.key), ['y']);
  const keys: string[] = [];
  for await (const o of listAll(a, 'x/')) keys.push(o.key);
  assert.deepEqual(keys, ['x/1', 'x/2']);
  assert.deepEqual(await a.head('y'), { key: 'y', size: 1 });
  assert.equal((await b.get('x/1')).toString(), 'b');
  await assert.rejects(a.get('../b/x/1'), (e: unknown) => e instanceof FsError && e.code === 'EINVAL');
  assert.throws(() => withPrefix(inner, 'no-slash'), (e: unknown) => e instanceof FsError && e.code === 'EINVAL');
  assert.throws(() => withPrefix(inner, '../up/'), (e: unknown) => e instanceof FsError && e.code === 'EINVAL');
  MemoryStore.reset(inner.url);
});
