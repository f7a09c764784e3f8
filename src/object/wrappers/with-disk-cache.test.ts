import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { ObjectMetrics, withMetrics } from './with-metrics.js';
import { withDiskCache } from './with-disk-cache.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
let n = 0;

/** A memory store counted by a metrics wrapper, and a fresh cache directory. */
function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-disk-cache-'));
  dirs.push(dir);
  const metrics = new ObjectMetrics();
  const store = withMetrics(new MemoryStore(`mem://disk-cache-${process.pid}-${++n}`), metrics);
  return { dir, metrics, store };
}

/** Every cache file under `root` (not the temporary directory), with its size. */
function cacheFiles(root: string): { file: string; size: number }[] {
  return readdirSync(root).filter((d) => d !== 'tmp').flatMap((d) =>
    readdirSync(path.join(root, d)).map((f) => ({ file: path.join(root, d, f), size: statSync(path.join(root, d, f)).size })));
}

const block = (seed: number, size = 1000) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) % 256));

test('a miss fetches and keeps the object; later reads (whole or a range) are hits that never reach the store', async () => {
  const { dir, metrics, store } = setup();
  await store.put('chunks/0/0/1_0_1000', block(1));
  const cache = withDiskCache(store, { dir, capacityBytes: 1 << 20, namespace: 'vol' });
  assert.deepEqual(await cache.get('chunks/0/0/1_0_1000'), block(1));
  assert.deepEqual([cache.stats.hits, cache.stats.misses, metrics.requests.get], [0, 1, 1]);
  await cache.settled(); // the file is written after the reader has its bytes
  assert.deepEqual(await cache.get('chunks/0/0/1_0_1000'), block(1));
  assert.deepEqual(await cache.get('chunks/0/0/1_0_1000', { offset: 10, length: 5 }), block(1).subarray(10, 15));
  assert.deepEqual([cache.stats.hits, cache.stats.misses, metrics.requests.get], [2, 1, 1], 'hits do not touch the store');
  await cache.put('chunks/0/0/2_0_1000', block(2));
  assert.deepEqual(await cache.get('chunks/0/0/2_0_1000'), block(2));
  assert.equal(metrics.requests.get, 1, 'a written object is cached as it is put');
  await cache.delete('chunks/0/0/2_0_1000');
  assert.equal(cacheFiles(cache.root).length, 1, 'a deleted object leaves the cache');
  await assert.rejects(cache.get('chunks/0/0/2_0_1000'), { code: 'ENOENT' });
  await cache.close();
});

test('the capacity is respected: the least recently used files go first', async () => {
  const { dir, store } = setup();
  const size = 1016; // 14-byte header, 2-byte key, 1000 bytes
  const cache = withDiskCache(store, { dir, capacityBytes: 10_000, namespace: 'vol' });
  for (let i = 0; i < 8; i++) await cache.put(`k${i}`, block(i));
  // Written a minute ago, in order; then k0 is read, which makes it the most recently used.
  const files = new Map(cacheFiles(cache.root).map(({ file }) => [readFileSync(file).toString('utf8', 14, 16), file]));
  for (const [key, file] of files) utimesSync(file, new Date(Date.now() - 60_000 + Number(key[1]) * 1000), new Date(Date.now() - 60_000 + Number(key[1]) * 1000));
  assert.deepEqual(await cache.get('k0'), block(0));
  assert.equal(cache.stats.evicted, 0);
  await cache.put('k8', block(8));
  await cache.put('k9', block(9)); // 10 files: above 10,000 bytes, evicted down to 9,000
  await cache.settled();
  assert.equal(cache.stats.evicted, 2);
  const left = new Set(cacheFiles(cache.root).map(({ file }) => readFileSync(file).toString('utf8', 14, 16)));
  assert.deepEqual([...left].sort(), ['k0', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'], 'k1 and k2 were the least recently used');
  for (let i = 10; i < 40; i++) await cache.put(`k${i}`, block(i));
  await cache.settled();
  const total = cacheFiles(cache.root).reduce((s, f) => s + f.size, 0);
  assert.ok(total <= 10_000 && total >= 10_000 * 0.9 - size, `cache files hold ${total} bytes`);
  assert.equal(cache.stats.usedBytes, total);
  await cache.close();
});

test('a damaged cache file (bit flip, truncation) is detected, dropped and fetched again', async () => {
  const { dir, metrics, store } = setup();
  await store.put('a', block(5));
  await store.put('b', block(6));
  const cache = withDiskCache(store, { dir, capacityBytes: 1 << 20, namespace: 'vol' });
  await cache.get('a');
  await cache.get('b');
  await cache.settled();
  const files = cacheFiles(cache.root);
  assert.equal(files.length, 2);
  for (const { file } of files) {
    const bytes = readFileSync(file);
    if (bytes.toString('utf8', 14, 15) === 'a') { // the key follows a 14-byte header
      bytes[bytes.length - 1]! ^= 0x40;
      writeFileSync(file, bytes);
    } else {
      writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    }
  }
  const gets = metrics.requests.get;
  assert.deepEqual(await cache.get('a'), block(5));
  assert.deepEqual(await cache.get('b'), block(6));
  assert.equal(cache.stats.corrupt, 2);
  assert.equal(metrics.requests.get, gets + 2, 'both were fetched from the store again');
  await cache.settled();
  assert.deepEqual(await cache.get('a'), block(5));
  assert.equal(metrics.requests.get, gets + 2, 'and cached again, intact');
  await cache.close();
});

test('two caches on one directory share files; eviction by one never breaks a read in the other', async () => {
  const { dir, metrics, store } = setup();
  for (let i = 0; i < 20; i++) await store.put(`k${i}`, block(i));
  const one = withDiskCache(store, { dir, capacityBytes: 1 << 20, namespace: 'vol' });
  const two = withDiskCache(store, { dir, capacityBytes: 5_000, namespace: 'vol' });
  for (let i = 0; i < 20; i++) await one.get(`k${i}`);
  await one.settled();
  assert.equal(metrics.requests.get, 20);
  assert.deepEqual(await two.get('k3'), block(3));
  assert.equal(metrics.requests.get, 20, "one's file serves two");
  // two evicts down to its small capacity while one reads everything: every read is right.
  const reads = Array.from({ length: 20 }, (_, i) => one.get(`k${i}`).then((b) => assert.deepEqual(b, block(i))));
  const writes = Array.from({ length: 10 }, (_, i) => two.put(`new${i}`, block(100 + i)));
  await Promise.all([...reads, ...writes]);
  // A reader gets its bytes before its cache file is written, and a scan misses files renamed
  // into place while it runs: once one's files are all written, two's next write scans them all.
  await Promise.all([one.settled(), two.settled()]);
  await two.put('last', block(200));
  await two.settled();
  assert.ok(cacheFiles(two.root).reduce((s, f) => s + f.size, 0) <= 5_000, 'two evicted down to its capacity');
  for (let i = 0; i < 20; i++) assert.deepEqual(await one.get(`k${i}`), block(i), 'evicted files are fetched again');
  const other = withDiskCache(store, { dir, capacityBytes: 1 << 20, namespace: 'other-volume' });
  await other.get('k0');
  assert.notEqual(other.root, one.root, 'another volume keeps its own files');
  await Promise.all([one.close(), two.settled(), other.settled()]);
});

test('concurrent gets of one missing key fetch it once', async () => {
  const { dir, metrics, store } = setup();
  await store.put('big', block(9, 100_000));
  const cache = withDiskCache(store, { dir, capacityBytes: 1 << 20, namespace: 'vol' });
  const all = await Promise.all(Array.from({ length: 8 }, () => cache.get('big')));
  for (const b of all) assert.deepEqual(b, block(9, 100_000));
  assert.equal(metrics.requests.get, 1);
  await cache.settled();
  assert.deepEqual(await cache.warm('big'), { bytes: 100_000, cached: true });
  await cache.close();
});
