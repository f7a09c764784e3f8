import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodedError, FsError } from '../../errors/index.js';
import { openObjectStore } from '../registry.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { wrapperParams } from '../wrapper-params.js';
import { parseFaults } from './parse-faults.js';
import { withFaults } from './with-faults.js';

let n = 0;
const url = () => `mem://faults-${process.pid}-${++n}`;
const code = (c: string) => (e: unknown) => e instanceof FsError && e.code === c;

test('rules pick calls by op, key pattern, after and times', async () => {
  const store = withFaults(new MemoryStore(url()), [{ op: 'put', key: 'chunks/*', after: 1, times: 2, error: 'EACCES' }]);
  await store.put('chunks/a', Buffer.from('1'));
  await assert.rejects(store.put('chunks/b', Buffer.from('2')), code('EACCES'));
  await store.put('other', Buffer.from('3'));
  await assert.rejects(store.put('chunks/c', Buffer.from('4')), code('EACCES'));
  await store.put('chunks/d', Buffer.from('5'));
  assert.equal(store.injected, 2);
  assert.deepEqual((await store.list()).objects.map((o) => o.key), ['chunks/a', 'chunks/d', 'other']);
});

test('truncation, delays, errors shaped like S3 ones, and clear()', async () => {
  const store = withFaults(new MemoryStore(url()), [
    { op: 'get', truncate: true, times: 1 },
    { op: 'head', delayMs: 60, times: 1 },
    { op: 'delete', error: 'SlowDown' },
  ]);
  await store.put('k', Buffer.from('0123456789'));
  assert.equal((await store.get('k')).toString(), '01234');
  assert.equal((await store.get('k')).toString(), '0123456789');
  const t0 = Date.now();
  assert.deepEqual(await store.head('k'), { key: 'k', size: 10 });
  assert.ok(Date.now() - t0 >= 50);
  await assert.rejects(store.delete('k'), (e: unknown) => code('EIO')(e) && (e as Error & { cause: { name: string } }).cause.name === 'SlowDown');
  store.clear();
  await store.delete('k');
  assert.equal(await store.head('k'), undefined);
});

test('?faults= syntax', () => {
  assert.deepEqual(parseFaults('put,times=3,error=EIO,key=chunks/*;get,truncate;delete,after=2,delay=2s,rate=0.5;*', 'u'), [
    { op: 'put', times: 3, error: 'EIO', key: 'chunks/*' },
    { op: 'get', truncate: true },
    { op: 'delete', after: 2, delayMs: 2000, rate: 0.5 },
    { op: '*' },
  ]);
  for (const bad of ['write', 'put,times=x', 'put,error=EBADNESS', 'get,delay=soon', 'put,color=red', 'get,rate=2']) {
    assert.throws(() => parseFaults(bad, 'u'), (e: unknown) => e instanceof CodedError && e.code === 'ERR_BAD_URL', bad);
  }
});

test('the registry splits faults and retries off a URL and leaves the rest as written', async () => {
  assert.deepEqual(wrapperParams('s3://k:s@b/p?endpoint=http://h:1&faults=get,truncate&region=x&retries=0'), {
    base: 's3://k:s@b/p?endpoint=http://h:1&region=x',
    faults: [{ op: 'get', truncate: true }],
    retries: 0,
  });
  assert.equal(wrapperParams('mem://a?faults=put').base, 'mem://a');
  assert.equal(wrapperParams('mem://a').retries, 4);
  assert.throws(() => wrapperParams('mem://a?retries=lots'), (e: unknown) => e instanceof CodedError);

  const base = url();
  const failing = await openObjectStore(`${base}?faults=put,times=2&retries=0`);
  await assert.rejects(failing.put('x', Buffer.from('1')), code('EIO'));
  const retried = await openObjectStore(`${base}?faults=put,times=2`);
  await retried.put('x', Buffer.from('1'));
  assert.equal((await (await openObjectStore(base)).get('x')).toString(), '1', 'same objects as the plain URL');
});
