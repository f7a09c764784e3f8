// What each step of `echo hello > f` costs below the FUSE layer: the vfs calls a mount makes for
// the kernel's requests (GETATTR of the directory, negative LOOKUP, CREATE, FLUSH before the write,
// WRITE, FLUSH that commits, RELEASE), in µs per call over FILES files on a fresh volume of each
// engine. On SQLite it also reads the WAL after each step of a few files and names the table of
// every page the step's commit wrote (a frame each: two pwrite64 calls), and runs the statements
// of the two steps that commit (create; flush) on better-sqlite3 directly, on a volume of its own:
// the floor under those steps, in the same process (bench/support/sqlite-floor.ts).
//   npm run bench:small-file-steps -- [--files 5000] [--engines sqlite3,postgres,redis]
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { TEST_ENGINES } from '../src/meta/testing/test-engines.js';
import { ROOT_CALLER, ROOT_INO, type Ino } from '../src/meta/types.js';
import { Volume } from '../src/sdk/index.js';
import { sqliteFloor } from './support/sqlite-floor.js';
import type { Vfs } from '../src/vfs/vfs.js';

const { values } = parseArgs({ options: { files: { type: 'string', default: '5000' }, engines: { type: 'string', default: 'sqlite3,postgres,redis' } } });
const FILES = Number(values.files);
const O_WRONLY_CREAT_TRUNC = 0o1101;
const STEPS = ['getattr', 'lookup', 'create', 'flush (nothing written)', 'write', 'flush (commits)', 'release'] as const;
type Step = (typeof STEPS)[number];

/** One echoed file, step by step; `after` runs after each step (untimed work goes there). */
async function echoFile(vfs: Vfs, dir: Ino, name: Buffer, after: (step: Step, ns: bigint) => void): Promise<void> {
  let t = process.hrtime.bigint();
  const done = (step: Step) => {
    const now = process.hrtime.bigint();
    after(step, now - t);
    t = process.hrtime.bigint();
  };
  await vfs.getattr(dir);
  done('getattr');
  await vfs.lookup(ROOT_CALLER, dir, name).then(
    () => { throw new Error(`${name} exists`); },
    () => undefined,
  );
  done('lookup');
  const { handle } = await vfs.create(ROOT_CALLER, { parent: dir, name }, { mode: 0o644, flags: O_WRONLY_CREAT_TRUNC });
  done('create');
  await vfs.flush(handle.fh);
  done('flush (nothing written)');
  await vfs.write(handle.fh, 0, Buffer.from('hello\n'));
  done('write');
  await vfs.flush(handle.fh);
  done('flush (commits)');
  await vfs.release(handle.fh);
  done('release');
}

/**
 * The WAL's new frames since the last call to `next`, as the tables their pages belong to. A
 * checkpoint lets the next writer start the WAL over (new salts in its header): frames count from
 * the start again, and only frames carrying the header's salts are this generation's.
 */
function walReader(file: string): { next(): string[]; close(): void } {
  const names = new Database(file, { readonly: true });
  const owner = names.prepare('SELECT name FROM dbstat WHERE pageno = ?');
  const fd = openSync(`${file}-wal`, 'r');
  const FRAME = 24 + 4096;
  const frames = (): { salts: string; pages: number[] } => {
    const head = Buffer.alloc(32);
    readSync(fd, head, 0, 32, 0);
    const salts = head.subarray(16, 24);
    const pages: number[] = [];
    const header = Buffer.alloc(24);
    for (let at = 32; at + FRAME <= fstatSync(fd).size; at += FRAME) {
      readSync(fd, header, 0, 24, at);
      if (!header.subarray(8, 16).equals(salts)) break;
      pages.push(header.readUInt32BE(0));
    }
    return { salts: salts.toString('hex'), pages };
  };
  let seen = frames();
  const next = () => {
    const now = frames();
    const fresh = now.salts === seen.salts ? now.pages.slice(seen.pages.length) : now.pages;
    seen = now;
    return fresh.map((page) => (owner.get(page) as { name: string } | undefined)?.name ?? `page ${page}`);
  };
  return { next, close: () => (closeSync(fd), names.close()) };
}

/** sqliteFloor on a fresh SQLite volume of its own (the schema as format makes it). */
async function rawFloor(files: number) {
  const engine = TEST_ENGINES.find((e) => e.name === 'sqlite3')!;
  const url = await engine.newUrl();
  const storage = mkdtempSync(path.join(tmpdir(), 'slicefs-steps-'));
  try {
    await Volume.format(url, 'floor', { storage: `file://${storage}` });
    return sqliteFloor(new URL(url).pathname, files);
  } finally {
    await engine.cleanup(url);
    rmSync(storage, { recursive: true, force: true });
  }
}

for (const name of values.engines!.split(',')) {
  const engine = TEST_ENGINES.find((e) => e.name === name);
  if (!engine) throw new Error(`--engines: unknown engine '${name}'`);
  const url = await engine.newUrl();
  const storage = mkdtempSync(path.join(tmpdir(), 'slicefs-steps-'));
  try {
    await Volume.format(url, 'steps', { storage: `file://${storage}` });
    const vol = await Volume.open(url, { program: 'bench small-file-steps' });
    try {
      const dir = (await vol.vfs.mkdir(ROOT_CALLER, ROOT_INO, Buffer.from('d'), 0o755)).ino;
      const ns = new Map<Step, bigint>(STEPS.map((s) => [s, 0n]));
      const t0 = performance.now();
      for (let i = 0; i < FILES; i++) await echoFile(vol.vfs, dir, Buffer.from(`f${i}`), (step, d) => ns.set(step, ns.get(step)! + d));
      const perFile = ((performance.now() - t0) / FILES) * 1000;
      console.log(`\n${name}, ${FILES} files: ${perFile.toFixed(1)} µs per file`);
      console.log(`| step | µs per call |\n|---|---:|`);
      for (const s of STEPS) console.log(`| ${s} | ${(Number(ns.get(s)!) / 1e3 / FILES).toFixed(1)} |`);
      if (name === 'sqlite3') {
        const mean = (s: Step) => Number(ns.get(s)!) / 1e3 / FILES;
        const floor = await rawFloor(FILES);
        console.log(`better-sqlite3 alone, the same statements (µs per call; COMMIT alone in brackets): create ${floor.create.toFixed(1)} (${floor.createCommit.toFixed(1)}), flush (commits) ${floor.close.toFixed(1)} (${floor.closeCommit.toFixed(1)}); slicefs / alone: ${(mean('create') / floor.create).toFixed(2)}, ${(mean('flush (commits)') / floor.close).toFixed(2)}`);
        const wal = walReader(new URL(url).pathname);
        try {
          for (let i = 0; i < 3; i++) {
            const seen: string[] = [];
            await echoFile(vol.vfs, dir, Buffer.from(`w${i}`), (step) => {
              const tables = wal.next();
              if (tables.length) seen.push(`${step}: ${tables.length} (${tables.join(', ')})`);
            });
            console.log(`WAL frames, file ${i + 1}: ${seen.join('; ')}`);
          }
        } finally {
          wal.close();
        }
      }
    } finally {
      await vol.close();
    }
  } finally {
    await engine.cleanup(url);
    rmSync(storage, { recursive: true, force: true });
  }
}
