// Sequential write and read of one big file through the SDK on s3:// (a local s3rver, started
// here) beside file:// in the same run, then objbench of both stores.
// Usage: npm run bench:s3 [-- --size 1G --threads 4 --big-objects 64 --small-objects 100]
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchObjectStore, type ObjectBenchResult } from '../src/object/object-bench.js';
import { openObjectStore } from '../src/object/registry.js';
import { startS3TestServer } from '../src/object/testing/s3-test-server.js';
import { formatBytes, parseSize, Volume } from '../src/sdk/index.js';

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

const server = await startS3TestServer();
const dir = mkdtempSync(path.join(os.tmpdir(), 'slicefs-bench-s3-'));
try {
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
} finally {
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
}
