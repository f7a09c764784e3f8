import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { statsOfMount } from '../../src/fuse/control-client.js';
import { Volume } from '../../src/sdk/index.js';
import { slicefs } from '../support/cli.js';
import { formatTempVolume, MountedVolume } from './support/mounted-volume.js';

const MiB = 1024 * 1024;
function bytesOf(seed: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + seed * 7) % 251;
  return b;
}
/** The tree written before the mount: one file of three blocks (4 MiB blocks) and small files in two directories. */
const FILES: Record<string, Buffer> = {
  '/tree/big.bin': bytesOf(1, 9 * MiB + 123),
  ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`/tree/${i % 2 ? 'a' : 'b/c'}/f${i}`, bytesOf(i + 2, 5000 + i * 517)])), // above the inline size (4 KiB): each in a block
};
const TOTAL = Object.values(FILES).reduce((n, b) => n + b.length, 0);

/** Every cache file's size under a cache directory (all namespaces). */
function cached(dir: string): number {
  let n = 0;
  for (const ns of readdirSync(dir)) for (const d of readdirSync(path.join(dir, ns))) if (d !== 'tmp') n += readdirSync(path.join(dir, ns, d)).length;
  return n;
}

describe('a mount with --cache-dir, and slicefs warmup', () => {
  let tv: ReturnType<typeof formatTempVolume>;
  let m: MountedVolume;
  let cacheDir: string;
  before(async () => {
    tv = formatTempVolume();
    const vol = await Volume.open(tv.metaUrl);
    try {
      await vol.mkdir('/tree/b/c', { recursive: true });
      await vol.mkdir('/tree/a');
      for (const [p, data] of Object.entries(FILES)) await vol.writeFile(p, data);
    } finally {
      await vol.close();
    }
    cacheDir = path.join(tv.dir, 'cache');
    // A block cache smaller than a block: reads of the big file can only be served by the disk cache or the store.
    m = await MountedVolume.start(tv.metaUrl, { args: ['--cache-dir', cacheDir, '--cache-dir-size', '64M', '--cache-size', '1M'] });
  });
  after(async () => {
    await m?.stop();
    tv?.remove();
  });

  it('warmup through the mount fills its cache; reads are then served from it, byte for byte, with no object get', () => {
    const before = statsOfMount(m.mnt);
    const first = slicefs(['warmup', `${m.mnt}/tree`, '--json']);
    assert.equal(first.code, 0, first.err);
    const r1 = JSON.parse(first.out) as Record<string, number>;
    assert.deepEqual([r1.files, r1.blocks, r1.bytes, r1.fetchedBytes, r1.cachedBytes, r1.skipped], [13, 15, TOTAL, TOTAL, 0, 0]);
    const warmed = statsOfMount(m.mnt);
    assert.equal(warmed.object.requests.get - before.object.requests.get, 15, 'each block fetched once');
    assert.equal(cached(cacheDir), 15);

    const second = slicefs(['warmup', `${m.mnt}/tree`, '--json']);
    assert.equal(second.code, 0, second.err);
    const r2 = JSON.parse(second.out) as Record<string, number>;
    assert.deepEqual([r2.fetchedBytes, r2.cachedBytes], [0, TOTAL], 'the second warmup finds everything cached');

    for (const [p, data] of Object.entries(FILES)) assert.ok(readFileSync(path.join(m.mnt, p)).equals(data), `${p} reads back right`);
    const read = statsOfMount(m.mnt);
    assert.equal(read.object.requests.get, warmed.object.requests.get, 'no read reached the object store');
    assert.ok(read.diskCache!.hits - warmed.diskCache!.hits >= 15, JSON.stringify(read.diskCache));
    assert.ok(read.diskCache!.usedBytes > TOTAL && read.diskCache!.capacityBytes === 64 * MiB);
  });

  it('warmup --meta --cache-dir works in-process on volume paths; a path off any mount is refused in one line', () => {
    const other = path.join(tv.dir, 'cache2');
    const r = slicefs(['warmup', '--meta', tv.metaUrl, '--cache-dir', other, '/tree/a', '--json']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as Record<string, number>;
    const small = Object.entries(FILES).filter(([p]) => p.startsWith('/tree/a/')).reduce((n, [, b]) => n + b.length, 0);
    assert.deepEqual([report.files, report.fetchedBytes, report.cachedBytes], [6, small, 0]);
    assert.equal(cached(other), 6);
    const off = slicefs(['warmup', tv.dir]);
    assert.notEqual(off.code, 0);
    assert.match(off.err, /^slicefs: warmup: .*not on a mounted slicefs volume/);
    assert.equal(off.err.trim().split('\n').length, 1);
  });
});
