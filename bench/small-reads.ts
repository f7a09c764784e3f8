// Opening, reading and closing small files through the SDK's file layer (Vfs: what a mount's
// OPEN, READ and RELEASE run), per engine, beside node:fs doing the same on the local disk in the
// same run. Files are written first; each round opens, reads (up to 128 KiB) and closes every
// file once, a little over a second after the previous round (so no round finds the last one's
// opens still fresh). The first round fetches objects from disk; later ones find blocks cached.
//   npm run bench:small-reads -- [--files 500] [--size 1000] [--rounds 4] [--engines sqlite3,redis,postgres]
// --size: bytes of the first file; each next one is a byte longer. 1000: inline data (the
// default inline size is 4 KiB); 10000: files in objects.
import { mkdtempSync, rmSync } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_ENGINES } from '../src/meta/testing/test-engines.js';
import type { Ino } from '../src/meta/types.js';
import { ROOT_CALLER } from '../src/meta/types.js';
import { Volume } from '../src/sdk/index.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '500' },
    size: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '4' },
    engines: { type: 'string', default: 'sqlite3,redis,postgres' },
  },
});
const FILES = Number(values.files);
const SIZE = Number(values.size);
const ROUNDS = Number(values.rounds);
const READ = 128 * 1024;
const pause = () => new Promise((resolve) => setTimeout(resolve, 1100));

/** µs per file of each round of `once` over every file. */
async function rounds(once: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r) await pause();
    const t0 = performance.now();
    for (let i = 0; i < FILES; i++) await once(i);
    out.push(((performance.now() - t0) / FILES) * 1000);
  }
  return out;
}

async function local(dir: string): Promise<number[]> {
  for (let i = 0; i < FILES; i++) await fsp.writeFile(path.join(dir, `f${i}`), Buffer.alloc(SIZE + i, 7));
  const buf = Buffer.alloc(READ);
  return rounds(async (i) => {
    const fh = await fsp.open(path.join(dir, `f${i}`), 'r');
    await fh.read(buf, 0, READ, 0);
    await fh.close();
  });
}

async function engine(url: string, dir: string): Promise<number[]> {
  await Volume.format(url, 'small-reads', { storage: `file://${dir}/objects/` });
  // As root of the volume whoever runs it (a new volume's root directory is 0755 root), as the reads below are.
  const vol = await Volume.open(url, { caller: ROOT_CALLER });
  try {
    const inos: Ino[] = [];
    for (let i = 0; i < FILES; i++) {
      await vol.writeFile(`/f${i}`, Buffer.alloc(SIZE + i, 7));
      inos.push((await vol.stat(`/f${i}`)).ino as Ino);
    }
    return await rounds(async (i) => {
      const { handle } = await vol.vfs.open(ROOT_CALLER, inos[i]!, 0);
      await vol.vfs.read(handle.fh, 0, READ);
      await vol.vfs.release(handle.fh);
    });
  } finally {
    await vol.close();
  }
}

const fmt = (xs: number[]) => xs.map((x) => Math.round(x)).join(' / ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const work = mkdtempSync(path.join(os.tmpdir(), 'slicefs-bench-small-reads-'));
try {
  const base = await local(work);
  console.log(`${FILES} files of ${SIZE}–${SIZE + FILES - 1} bytes: open + read (${READ / 1024} KiB) + close, µs per file, rounds 1–${ROUNDS}`);
  console.log(`| | µs per file | median ÷ local disk's |\n|---|---|---:|`);
  console.log(`| local disk (node:fs) | ${fmt(base)} | 1 |`);
  for (const name of values.engines!.split(',')) {
    const maker = TEST_ENGINES.find((e) => e.name === name.trim());
    if (!maker) throw new Error(`--engines: unknown engine '${name}'`);
    const url = await maker.newUrl();
    const dir = mkdtempSync(path.join(work, `${maker.name}-`));
    try {
      const xs = await engine(url, dir);
      console.log(`| slicefs ${maker.name} | ${fmt(xs)} | ${(median(xs) / median(base)).toFixed(1)} |`);
    } finally {
      await maker.cleanup(url);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
