// Sequential write then read of a file through the SDK (SQLite + file:// storage), beside
// `dd` writing and reading the same amount on the same disk, in one run. The write ends with
// handle.sync() (durable: objects, directories and a FULL commit), compared with `dd conv=fsync`;
// the same write closed without sync is compared with plain `dd`.
//   npm run bench:io -- [--size-mib 1024] [--dir /path/on/disk]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Volume } from '../src/sdk/index.js';

const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '1024' }, dir: { type: 'string', default: tmpdir() } } });
const sizeMiB = Number(values['size-mib']);
const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(values.dir!, 'slicefs-bench-io-'));

async function timed<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, value };
}

const rate = (s: number) => sizeMiB / s;

try {
  const piece = Buffer.alloc(MiB);
  for (let i = 0; i < piece.length; i++) piece[i] = (i * 31) & 255;

  const ddFile = path.join(dir, 'dd.bin');
  const ddWrite = await timed(() => execFileSync('dd', ['if=/dev/zero', `of=${ddFile}`, 'bs=1M', `count=${sizeMiB}`], { stdio: 'ignore' }));
  rmSync(ddFile);
  execFileSync('sync');
  const ddFsync = await timed(() => execFileSync('dd', ['if=/dev/zero', `of=${ddFile}`, 'bs=1M', `count=${sizeMiB}`, 'conv=fsync'], { stdio: 'ignore' }));
  execFileSync('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true']);
  const ddRead = await timed(() => execFileSync('dd', [`if=${ddFile}`, 'of=/dev/null', 'bs=1M'], { stdio: 'ignore' }));
  rmSync(ddFile);

  const metaUrl = `sqlite3://${dir}/meta.db`;
  await Volume.format(metaUrl, 'bench', { storage: `file://${dir}/objects/` });
  const vol = await Volume.open(metaUrl);
  const plain = await timed(async () => {
    const h = await vol.open('/plain', 'w');
    for (let i = 0; i < sizeMiB; i++) await h.write(piece);
    await h.close();
  });
  await vol.unlink('/plain');
  execFileSync('sync');
  const write = await timed(async () => {
    const h = await vol.open('/big', 'w');
    for (let i = 0; i < sizeMiB; i++) await h.write(piece);
    await h.sync();
    await h.close();
  });
  await vol.close();
  execFileSync('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true']);
  const cold = await Volume.open(metaUrl);
  const read = await timed(async () => {
    const h = await cold.open('/big', 'r');
    let total = 0;
    const buf = Buffer.alloc(4 * MiB);
    for (let at = 0; ; ) {
      const { bytesRead } = await h.read(buf, 0, buf.length, at);
      if (!bytesRead) break;
      total += bytesRead;
      at += bytesRead;
    }
    await h.close();
    if (total !== sizeMiB * MiB) throw new Error(`read ${total} bytes, wrote ${sizeMiB * MiB}`);
    return total;
  });
  await cold.close();

  const rows = [
    ['write, no fsync', rate(plain.seconds), rate(ddWrite.seconds)],
    ['write + fsync', rate(write.seconds), rate(ddFsync.seconds)],
    ['sequential read (cold)', rate(read.seconds), rate(ddRead.seconds)],
  ] as const;
  console.log(`bench:io — ${sizeMiB} MiB, SDK (SQLite + file://, 4 MiB blocks) vs dd bs=1M (conv=fsync for the fsync row) on ${values.dir}`);
  console.log('operation                   slicefs MiB/s   dd MiB/s   ratio');
  for (const [name, ours, dd] of rows) {
    console.log(`${name.padEnd(26)} ${ours.toFixed(0).padStart(13)} ${dd.toFixed(0).padStart(10)} ${(ours / dd).toFixed(2).padStart(7)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
