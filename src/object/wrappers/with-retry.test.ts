import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FsError } from '../../errors/index.js';
import type { ObjectStore } from '../object-store.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { isTransientError } from '../transient-error.js';
import { withFaults } from './with-faults.js';
import { withRetry } from './with-retry.js';

let n = 0;
const memory = () => new MemoryStore(`mem://retry-${process.pid}-${++n}`);

/** A retrying store over injected faults, with a fake clock that records each backoff. */
function retrying(inner: ObjectStore, attempts = 5) {
  const delays: number[] = [];
  const store = withRetry(inner, { attempts, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => void delays.push(ms) });
  return { store, delays };
}

test('transient failures are retried until they pass, with growing jittered backoff', async () => {
  const faulty = withFaults(memory(), [{ op: 'put', times: 4, error: 'SlowDown' }]);
  const { store, delays } = retrying(faulty);
  await store.put('k', Buffer.from('v'));
  assert.equal((await store.get('k')).toString(), 'v');
  assert.equal(faulty.injected, 4);
  assert.equal(delays.length, 4);
  delays.forEach((d, i) => {
    const cap = Math.min(1000, 100 * 2 ** i);
    assert.ok(d >= cap / 2 && d <= cap, `retry ${i + 1} waited ${d} ms, outside ${cap / 2}..${cap}`);
  });
});

test('attempts are bounded: the last failure surfaces as EIO, saying so', async () => {
  const faulty = withFaults(memory(), [{ op: 'get', error: 'ECONNRESET' }]);
  const { store } = retrying(faulty, 3);
  await assert.rejects(store.get('k'), (e: unknown) => e instanceof FsError && e.code === 'EIO' && /gave up after 3 attempts/.test(e.message));
  assert.equal(faulty.injected, 3);
});

test('4xx-like failures are never retried', async () => {
  for (const error of ['EACCES', 'ENOENT'] as const) {
    const faulty = withFaults(memory(), [{ op: 'head', error }]);
    const { store, delays } = retrying(faulty);
    await assert.rejects(store.head('k'), (e: unknown) => e instanceof FsError && e.code === error);
    assert.equal(faulty.injected, 1);
    assert.equal(delays.length, 0);
  }
  const { store } = retrying(memory());
  await assert.rejects(store.get('missing'), (e: unknown) => e instanceof FsError && e.code === 'ENOENT');
});

test('a put whose answer was lost is not failed by its own earlier success (no-overwrite stores)', async () => {
  const inner = memory();
  let lost = true;
  const flaky: ObjectStore = Object.assign(Object.create(inner) as ObjectStore, {
    async put(key: string, data: Uint8Array) {
      await inner.put(key, data);
      if (lost) {
        lost = false;
        throw new FsError('EIO', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      }
    },
  });
  const { store, delays } = retrying(flaky);
  await store.put('k', Buffer.from('data'));
  assert.equal(delays.length, 1);
  await assert.rejects(store.put('k', Buffer.from('other')), (e: unknown) => e instanceof FsError && e.code === 'EEXIST');
});

test('what counts as transient', () => {
  const status = (s: number, name = 'X') => Object.assign(new Error(), { name, $metadata: { httpStatusCode: s } });
  assert.equal(isTransientError(status(500)), true);
  assert.equal(isTransientError(status(503, 'SlowDown')), true);
  assert.equal(isTransientError(status(429)), true);
  assert.equal(isTransientError(status(400, 'RequestTimeout')), true);
  assert.equal(isTransientError(status(400)), false);
  assert.equal(isTransientError(status(403, 'AccessDenied')), false);
  assert.equal(isTransientError(status(404, 'NoSuchKey')), false);
  assert.equal(isTransientError(new FsError('EIO', { cause: Object.assign(new Error(), { code: 'ECONNREFUSED' }) })), true);
  assert.equal(isTransientError(new FsError('EIO', { cause: new Error('disk on fire') })), false);
  assert.equal(isTransientError(new FsError('ENOSPC')), false);
});
