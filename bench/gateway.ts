// PUT/GET through the S3 gateway (a `slicefs gateway` process, AWS SDK v3 client) against the
// same bytes through the SDK (Volume) and through a FUSE mount of the volume (a `slicefs mount`
// process; node:fs writes and reads), in the same run, on one SQLite + file:// volume; and
// CopyObject of the big object (a clone) in milliseconds beside the SDK's copyFile and the
// mount's copy_file_range (both clones too). The mount needs root and /dev/fuse.
// Usage: npm run bench:gateway [-- --size 1G --small 128K --count 200 --concurrency 8]
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { spawn } from 'node:child_process';
import { promises as fsp, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { formatBytes, parseSize, Volume } from '../src/sdk/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const SIZE = parseSize(arg('size', '1G'), '--size');
const SMALL = parseSize(arg('small', '128K'), '--small');
const COUNT = Number(arg('count', '200'));
const CONCURRENCY = Number(arg('concurrency', '8'));
const PIECE = 1024 * 1024;
const MiB = 1024 * 1024;
const KEYS = { accessKey: 'bench', secretKey: 'bench-secret-key' };

const base = Buffer.from(Array.from({ length: PIECE }, (_, i) => (i * 2654435761) >>> 24));
const pieces = function* (size: number) {
  for (let at = 0; at < size; at += PIECE) yield base.subarray(0, Math.min(PIECE, size - at));
};
const seconds = (t: number) => (performance.now() - t) / 1000;
const rate = (bytes: number, s: number) => `${(bytes / MiB / s).toFixed(1)} MiB/s`;

async function startGateway(metaUrl: string): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/slicefs.js', 'gateway', metaUrl, '127.0.0.1:0', '--access-log', '/dev/null'], {
    env: { ...process.env, SLICEFS_ACCESS_KEY: KEYS.accessKey, SLICEFS_SECRET_KEY: KEYS.secretKey },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let text = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /at (http:\/\/\S+) /.exec(text);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`gateway exited ${code}: ${text}`)));
  });
  return {
    endpoint,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** A `slicefs mount` process on `mnt`, ready once the kernel lists the mount. */
async function startMount(metaUrl: string, mnt: string): Promise<{ stop: () => Promise<void> }> {
  mkdirSync(mnt, { recursive: true });
  const child = spawn(process.execPath, ['bin/slicefs.js', 'mount', metaUrl, mnt], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const mounted = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === mnt);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`mount exited ${code}: ${text}`)));
    child.stderr!.on('data', () => mounted() && resolve());
  });
  return {
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      spawn(process.execPath, ['bin/slicefs.js', 'umount', mnt], { stdio: 'ignore' });
    }),
  };
}

async function inBatches(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slicefs-bench-gateway-'));
  const metaUrl = `sqlite3://${dir}/bench.db`;
  await Volume.format(metaUrl, 'bench', { storage: `file://${dir}/objects/` });
  const gateway = await startGateway(metaUrl);
  const s3 = new S3Client({
    endpoint: gateway.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: KEYS.accessKey, secretAccessKey: KEYS.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const vol = await Volume.open(metaUrl, { program: 'bench:gateway' });
  const mnt = path.join(dir, 'mnt');
  const mount = await startMount(metaUrl, mnt);
  const rows: Array<[string, string, string, string, string]> = [];
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    await vol.mkdir('/sdk');
    // Big object: one PUT and one GET, streamed.
    let t = performance.now();
    await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'big.bin', Body: Readable.from(pieces(SIZE)), ContentLength: SIZE }));
    const gwPut = seconds(t);
    t = performance.now();
    let got = 0;
    for await (const c of (await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'big.bin' }))).Body as Readable) got += (c as Buffer).length;
    const gwGet = seconds(t);
    if (got !== SIZE) throw new Error(`GET returned ${got} bytes`);
    t = performance.now();
    const w = await vol.open('/sdk/big.bin', 'w');
    for (const p of pieces(SIZE)) await w.write(p);
    await w.close();
    const sdkPut = seconds(t);
    t = performance.now();
    const r = await vol.open('/sdk/big.bin', 'r');
    const buffer = Buffer.alloc(PIECE);
    for (let at = 0; at < SIZE; at += PIECE) await r.read(buffer, 0, PIECE, at);
    await r.close();
    const sdkGet = seconds(t);
    await fsp.mkdir(`${mnt}/fuse`);
    t = performance.now();
    const mw = await fsp.open(`${mnt}/fuse/big.bin`, 'w');
    for (const p of pieces(SIZE)) await mw.write(p);
    await mw.close();
    const fusePut = seconds(t);
    t = performance.now();
    const mr = await fsp.open(`${mnt}/fuse/big.bin`, 'r');
    for (let at = 0; at < SIZE; at += PIECE) await mr.read(buffer, 0, PIECE, at);
    await mr.close();
    const fuseGet = seconds(t);
    rows.push([`PUT ${formatBytes(SIZE)}`, rate(SIZE, gwPut), rate(SIZE, sdkPut), rate(SIZE, fusePut), (sdkPut / gwPut).toFixed(2)]);
    rows.push([`GET ${formatBytes(SIZE)}`, rate(SIZE, gwGet), rate(SIZE, sdkGet), rate(SIZE, fuseGet), (sdkGet / gwGet).toFixed(2)]);

    // Small objects: COUNT of SMALL bytes, CONCURRENCY at a time.
    const small = base.subarray(0, Math.min(SMALL, PIECE));
    t = performance.now();
    await inBatches(COUNT, async (i) => void (await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `small/${i}`, Body: small }))));
    const gwSmallPut = seconds(t);
    t = performance.now();
    await inBatches(COUNT, async (i) => void (await (await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: `small/${i}` }))).Body!.transformToByteArray()));
    const gwSmallGet = seconds(t);
    await vol.mkdir('/sdk/small');
    t = performance.now();
    await inBatches(COUNT, (i) => vol.writeFile(`/sdk/small/${i}`, small));
    const sdkSmallPut = seconds(t);
    t = performance.now();
    await inBatches(COUNT, async (i) => void (await vol.readFile(`/sdk/small/${i}`)));
    const sdkSmallGet = seconds(t);
    await fsp.mkdir(`${mnt}/fuse/small`);
    t = performance.now();
    await inBatches(COUNT, (i) => fsp.writeFile(`${mnt}/fuse/small/${i}`, small));
    const fuseSmallPut = seconds(t);
    t = performance.now();
    await inBatches(COUNT, async (i) => void (await fsp.readFile(`${mnt}/fuse/small/${i}`)));
    const fuseSmallGet = seconds(t);
    const ops = (s: number) => `${(COUNT / s).toFixed(0)} objects/s`;
    rows.push([`PUT ${COUNT} x ${formatBytes(SMALL)}`, ops(gwSmallPut), ops(sdkSmallPut), ops(fuseSmallPut), (sdkSmallPut / gwSmallPut).toFixed(2)]);
    rows.push([`GET ${COUNT} x ${formatBytes(SMALL)}`, ops(gwSmallGet), ops(sdkSmallGet), ops(fuseSmallGet), (sdkSmallGet / gwSmallGet).toFixed(2)]);

    // Copies are clones: CopyObject of the big object beside the SDK's copyFile of it.
    t = performance.now();
    await s3.send(new CopyObjectCommand({ Bucket: 'bench', Key: 'big-copy.bin', CopySource: 'bench/big.bin' }));
    const gwCopy = (performance.now() - t);
    t = performance.now();
    await vol.copyFile('/sdk/big.bin', '/sdk/big-copy.bin');
    const sdkCopy = (performance.now() - t);
    t = performance.now();
    await fsp.copyFile(`${mnt}/fuse/big.bin`, `${mnt}/fuse/big-copy.bin`);
    const fuseCopy = (performance.now() - t);
    rows.push([`copy ${formatBytes(SIZE)}`, `${gwCopy.toFixed(1)} ms`, `${sdkCopy.toFixed(1)} ms`, `${fuseCopy.toFixed(1)} ms`, (sdkCopy / gwCopy).toFixed(2)]);
  } finally {
    s3.destroy();
    await mount.stop();
    await vol.close();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`bench:gateway — ${os.cpus().length} CPUs, SQLite + file:// volume, small objects ${CONCURRENCY} at a time`);
  console.log(['operation', 'gateway (S3)', 'SDK', 'mount (FUSE)', 'gateway/SDK'].join(' | '));
  for (const row of rows) console.log(row.join(' | '));
}

await main();
