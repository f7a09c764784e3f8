// `slicefs rmr` beside `rm -rf` on the same mount: trees of 10k and 100k files of 1 KiB
// (100 per directory). The tree is built once through the SDK and cloned (metadata only), so
// both removals start from identical trees on the same volume.
//   npm run bench:rmr -- [--trees 10000,100000]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Volume } from '../src/sdk/index.js';

const { values } = parseArgs({ options: { trees: { type: 'string', default: '10000,100000' } } });
const BIN = path.resolve('bin/slicefs.js');
const PER_DIR = 100;
const work = mkdtempSync(path.join(tmpdir(), 'slicefs-bench-rmr-'));
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;
const mountedAt = (mnt: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === mnt);

async function buildTree(vol: Volume, root: string, n: number): Promise<void> {
  const data = Buffer.alloc(1024, 7);
  for (let leaf = 0; leaf * PER_DIR < n; leaf++) {
    const dir = `${root}/d${Math.floor(leaf / PER_DIR)}/d${leaf}`;
    await vol.mkdir(dir, { recursive: true });
    const count = Math.min(PER_DIR, n - leaf * PER_DIR);
    await Promise.all(Array.from({ length: count }, (_, i) => vol.writeFile(`${dir}/f${i}`, data)));
  }
}

async function main(): Promise<void> {
  const metaUrl = `sqlite3://${work}/meta.db`;
  const mnt = path.join(work, 'mnt');
  mkdirSync(mnt);
  await Volume.format(metaUrl, 'bench', { storage: `file://${work}/objects/` });
  const sizes = values.trees.split(',').map(Number);
  const vol = await Volume.open(metaUrl);
  try {
    for (const n of sizes) {
      await buildTree(vol, `/src${n}`, n);
      await vol.clone(`/src${n}`, `/a${n}`);
      await vol.clone(`/src${n}`, `/b${n}`);
    }
  } finally {
    await vol.close();
  }
  const proc = spawn(process.execPath, [BIN, 'mount', metaUrl, mnt], { stdio: 'ignore', env: { ...process.env, UV_THREADPOOL_SIZE: '16' } });
  try {
    for (let i = 0; !mountedAt(mnt); i++) {
      if (i > 400) throw new Error('slicefs mount did not come up');
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log('| files | rm -rf on the mount (s) | slicefs rmr (s) | rm -rf / rmr |');
    console.log('|---:|---:|---:|---:|');
    for (const n of sizes) {
      let t = process.hrtime.bigint();
      execFileSync('rm', ['-rf', `${mnt}/a${n}`]);
      const rm = seconds(t);
      t = process.hrtime.bigint();
      execFileSync(process.execPath, [BIN, 'rmr', `${mnt}/b${n}`], { stdio: 'inherit' });
      const rmr = seconds(t);
      console.log(`| ${n} | ${rm.toFixed(2)} | ${rmr.toFixed(2)} | ${(rm / rmr).toFixed(1)} |`);
    }
  } finally {
    if (mountedAt(mnt)) execFileSync('umount', [mnt]);
    if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
