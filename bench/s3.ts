// Sequential write and read of one big file through the SDK on s3:// (a local s3rver, started
// here) beside file:// in the same run, then objbench of both stores.
// Then the disk cache (`--cache-dir`): cold and warm reads of one big file and of a tree of small
// files on s3://, beside reads without it.
// Usage: npm run bench:s3 [-- --size 1G --threads 4 --big-objects 64 --small-objects 100]
//        [--cache-file 1G --cache-files 10000 --cache-only]
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchObjectStore, type ObjectBenchResult } from '../src/object/object-bench.js';
import { openObjectStore } from '../src/object/registry.js';
import { startS3TestServer } from '../src/object/testing/s3-test-server.js';
import { formatBytes, parseSize, Volume, VolumeMetrics } from '../src/sdk/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const SIZE = parseSize(arg('size', '1G'), '--size');
const PIECE = 1024 * 1024;
const OBJBENCH = {
  blockSize: 4 * 1024 * 1024,
  bigObjects: Number(arg('big-objects', '64')),
  smallObjects: Number(arg('small-objects', '100')),
  smallSize: 128 * 1024,
  threads: Number(arg('threads', '4')),
};
const MiB = 1024 * 1024;
const CACHE_FILE = parseSize(arg('cache-file', '1G'), '--cache-file');
const CACHE_FILES = Number(arg('cache-files', '10000'));
const CACHE_ONLY = process.argv.includes('--cache-only');
const SMALL_FILE = 4096;

/** One megabyte of pseudo-random bytes, stamped with its index so a misplaced piece is noticed. */
const base = Buffer.from(Array.from({ length: PIECE }, (_, i) => (i * 2654435761) >>> 24));
const piece = (i: number) => {
  const b = Buffer.from(base);
  b.writeUInt32LE(i, 0);
  return b;
};

async function sequential(storage: string, dir: string): Promise<{ write: number; read: number }> {
  const meta = `sqlite3://${dir}/bench.db`;
  await Volume.format(meta, 'bench', { storage, createBucket: true });
  let volume = await Volume.open(meta, { program: 'bench:s3' });
  const pieces = SIZE / PIECE;
  let t = performance.now();
  const w = await volume.open('/big', 'w');
  for (let i = 0; i < pieces; i++) await w.write(piece(i));
  await w.close();
  const write = SIZE / MiB / ((performance.now() - t) / 1000);
  await volume.close();
  volume = await Volume.open(meta, { program: 'bench:s3' });
  t = performance.now();
  const r = await volume.open('/big', 'r');
  const buffer = Buffer.alloc(PIECE);
  for (let i = 0; i < pieces; i++) {
    const { bytesRead } = await r.read(buffer, 0, PIECE, null);
    if (bytesRead !== PIECE || buffer.readUInt32LE(0) !== i || buffer[PIECE - 1] !== base[PIECE - 1]) throw new Error(`piece ${i} read back wrong`);
  }
  await r.close();
  const read = SIZE / MiB / ((performance.now() - t) / 1000);
  await volume.close();
  return { write, read };
}

async function objbench(url: string): Promise<ObjectBenchResult[]> {
  const store = await openObjectStore(url);
  try {
    return await benchObjectStore(store, OBJBENCH);
  } finally {
    await store.close();
  }
}

/** Runs `task` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

/** Cold and warm reads through the disk cache of a file and a tree, on `storage`; reads without a cache beside them. */
async function diskCache(storage: string, dir: string): Promise<void> {
  const meta = `sqlite3://${dir}/bench.db`;
  await Volume.format(meta, 'bench', { storage, createBucket: true });
  const cacheDir = path.join(dir, 'cache');
  let volume = await Volume.open(meta, { program: 'bench:s3' });
  const w = await volume.open('/big', 'w');
  for (let i = 0; i < CACHE_FILE / PIECE; i++) await w.write(piece(i));
  await w.close();
  await volume.mkdir('/tree');
  const names = Array.from({ length: CACHE_FILES }, (_, i) => `/tree/d${i % 100}/f${i}`);
  for (let d = 0; d < Math.min(100, CACHE_FILES); d++) await volume.mkdir(`/tree/d${d}`);
  await pool(names, 16, async (name) => volume.writeFile(name, piece(Number(name.slice(name.lastIndexOf('f') + 1))).subarray(0, SMALL_FILE)));
  await volume.close();

  const readBig = async (options: { cacheDir?: string }) => {
    const metrics = new VolumeMetrics();
    volume = await Volume.open(meta, { program: 'bench:s3', cacheSize: 64 * MiB, metrics, cacheDirSize: 2 * CACHE_FILE + 1024 * MiB, ...options });
    const t = performance.now();
    const r = await volume.open('/big', 'r');
    const buffer = Buffer.alloc(PIECE);
    for (let i = 0; i < CACHE_FILE / PIECE; i++) {
      const { bytesRead } = await r.read(buffer, 0, PIECE, null);
      if (bytesRead !== PIECE || buffer.readUInt32LE(0) !== i) throw new Error(`piece ${i} read back wrong`);
    }
    await r.close();
    const seconds = (performance.now() - t) / 1000;
    await volume.close();
    return { rate: `${(CACHE_FILE / MiB / seconds).toFixed(1)} MiB/s`, gets: metrics.object.requests.get };
  };
  const readTree = async (options: { cacheDir?: string; warmup?: boolean }) => {
    const metrics = new VolumeMetrics();
    volume = await Volume.open(meta, { program: 'bench:s3', metrics, cacheDir: options.cacheDir, cacheDirSize: 2 * CACHE_FILE + 1024 * MiB });
    let warm = '';
    if (options.warmup) {
      const t = performance.now();
      const r = await volume.warmup('/tree');
      warm = ` (warmup: ${r.files} files in ${((performance.now() - t) / 1000).toFixed(1)} s)`;
    }
    const gets = metrics.object.requests.get;
    const t = performance.now();
    await pool(names, 16, async (name) => {
      const data = await volume.readFile(name);
      if (data.length !== SMALL_FILE || data.readUInt32LE(0) !== Number(name.slice(name.lastIndexOf('f') + 1))) throw new Error(`${name} read back wrong`);
    });
    const seconds = (performance.now() - t) / 1000;
    await volume.close();
    return { rate: `${Math.round(CACHE_FILES / seconds)} files/s${warm}`, gets: metrics.object.requests.get - gets };
  };
  console.log(`disk cache: sequential read of ${formatBytes(CACHE_FILE)} (1 MiB reads, 64 MiB block cache) and of ${CACHE_FILES} files of ${formatBytes(SMALL_FILE)} (16 at a time), each by a newly opened client`);
  console.log('| read | big file | its object gets | tree | its object gets |\n|---|---:|---:|---:|---:|');
  const row = (name: string, big: { rate: string; gets: number }, tree: { rate: string; gets: number }) =>
    console.log(`| ${name} | ${big.rate} | ${big.gets} | ${tree.rate} | ${tree.gets} |`);
  row('no disk cache', await readBig({}), await readTree({}));
  row('cold cache (fills it)', await readBig({ cacheDir }), await readTree({ cacheDir }));
  row('warm cache', await readBig({ cacheDir }), await readTree({ cacheDir }));
  rmSync(cacheDir, { recursive: true, force: true });
  row('after warmup of an empty cache', { rate: '-', gets: 0 }, await readTree({ cacheDir, warmup: true }));
}

const server = await startS3TestServer();
const dir = mkdtempSync(path.join(os.tmpdir(), 'slicefs-bench-s3-'));
try {
  if (!CACHE_ONLY) await sequentialAndObjbench();
  await diskCache(`s3://S3RVER:S3RVER@bench/cache?endpoint=${server.endpoint}`, mkdtempSync(path.join(dir, 'cache-')));
} finally {
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
}

async function sequentialAndObjbench(): Promise<void> {
  const stores = {
    'file://': `file://${dir}/objects/`,
    's3:// (s3rver)': `s3://S3RVER:S3RVER@bench/vol?endpoint=${server.endpoint}`,
  };
  console.log(`sequential ${formatBytes(SIZE)} through the SDK, ${formatBytes(PIECE)} writes and reads, block size 4 MiB`);
  console.log('| storage | write MiB/s | read MiB/s |\n|---|---:|---:|');
  const figures: Record<string, { write: number; read: number }> = {};
  for (const [name, url] of Object.entries(stores)) {
    const work = mkdtempSync(path.join(dir, 'meta-'));
    figures[name] = await sequential(url, work);
    console.log(`| ${name} | ${figures[name]!.write.toFixed(1)} | ${figures[name]!.read.toFixed(1)} |`);
    rmSync(work, { recursive: true, force: true });
  }
  const [f, s] = Object.values(figures);
  console.log(`s3/file ratio: write ${(s!.write / f!.write).toFixed(2)}, read ${(s!.read / f!.read).toFixed(2)}\n`);

  console.log(`objbench: ${OBJBENCH.bigObjects} x 4 MiB, ${OBJBENCH.smallObjects} x 128 KiB, ${OBJBENCH.threads} threads`);
  const results: Record<string, ObjectBenchResult[]> = {};
  for (const [name, url] of Object.entries(stores)) results[name] = await objbench(url);
  const names = Object.keys(results);
  console.log(`| operation | ${names.map((n) => `${n} throughput | ${n} p50 / p99 ms`).join(' | ')} |`);
  console.log(`|---|${names.map(() => '---:|---:').join('|')}|`);
  for (let i = 0; i < results[names[0]!]!.length; i++) {
    const cells = names.map((n) => {
      const r = results[n]![i]!;
      const rate = r.bytes ? `${(r.bytes / MiB / r.seconds).toFixed(1)} MiB/s` : `${Math.round(r.objects / r.seconds)} objects/s`;
      return `${rate} | ${r.latency.p50.toFixed(1)} / ${r.latency.p99.toFixed(1)}`;
    });
    console.log(`| ${results[names[0]!]![i]!.operation} | ${cells.join(' | ')} |`);
  }
  console.log('');
}
