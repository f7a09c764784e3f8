// Metadata operations per second on every registered engine, beside the same operations on the
// local disk through node:fs in the same run. Usage: npm run bench:meta [-- --entries 10000]
import { mkdtempSync, rmSync } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { postgresActivity } from '../src/meta/engines/sql/dialects/postgres.js';
import { engineFactories, type EngineFactory } from '../src/meta/registry.js';
import { n, root, testSettings } from '../src/meta/testing/harness.js';
import { TEST_ENGINES } from '../src/meta/testing/test-engines.js';
import { ROOT_INO } from '../src/meta/types.js';
import { VolumeMeta } from '../src/meta/volume-meta.js';

const PHASES = ['create', 'stat', 'readdir', 'readdir+', 'rename', 'unlink', 'mixed'] as const;
type Phase = (typeof PHASES)[number];
/** Engines the bench looks for even when nobody registered them yet. */
const EXPECTED = ['sqlite3', 'postgres', 'redis'];

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ENTRIES = arg('entries', 10_000);
const LISTINGS = arg('listings', 3);
const MIXED = arg('mixed', 1000);
const names = Array.from({ length: ENTRIES }, (_, i) => `file-${String(i).padStart(6, '0')}`);

/** What one phase counts as an operation. */
const UNIT: Record<Phase, string> = {
  create: 'mknod of an empty file', stat: 'lookup + getattr', readdir: 'entries listed (pages of 1000)',
  'readdir+': 'entries listed with attributes', rename: 'rename within the directory', unlink: 'unlink',
  mixed: `two clients at once in one directory: one creates ${MIXED}, the other unlinks ${MIXED}`,
};

interface Run {
  opsPerSec: Partial<Record<Phase, number>>;
  /** Statements (= round trips) per operation, where the engine can count them. */
  statementsPerOp: Partial<Record<Phase, number>>;
  /** Metadata bytes the engine grew by per created file. */
  bytesPerFile?: number;
  note?: string;
}

/** Times `ops` operations of one phase; `count` reads a statement counter if the engine has one. */
async function phase(run: Run, p: Phase, ops: number, body: () => Promise<void>, count?: () => number): Promise<void> {
  const before = count?.();
  const t0 = performance.now();
  await body();
  const seconds = (performance.now() - t0) / 1000;
  run.opsPerSec[p] = ops / seconds;
  if (before !== undefined && count) run.statementsPerOp[p] = (count() - before) / ops;
  process.stderr.write(`  ${p}: ${Math.round(ops / seconds)} ops/s\n`);
}

async function benchVolume(url: string, count?: () => number): Promise<Run> {
  const run: Run = { opsPerSec: {}, statementsPerOp: {} };
  await VolumeMeta.format(url, testSettings());
  const m = await VolumeMeta.open(url);
  try {
    const dir = (await m.mkdir(root, ROOT_INO, n('bench'), 0o755)).ino;
    const empty = (await m.engine.stats()).storageBytes;
    await phase(run, 'create', ENTRIES, async () => {
      for (const name of names) await m.mknod(root, dir, n(name), { type: 'file', mode: 0o644 });
    }, count);
    run.bytesPerFile = ((await m.engine.stats()).storageBytes - empty) / ENTRIES;
    await phase(run, 'stat', ENTRIES, async () => {
      for (const name of names) await m.getattr((await m.lookup(root, dir, n(name))).ino);
    }, count);
    for (const plus of [false, true]) {
      await phase(run, plus ? 'readdir+' : 'readdir', ENTRIES * LISTINGS, async () => {
        for (let i = 0; i < LISTINGS; i++) {
          let seen = 0;
          let after: Buffer | undefined;
          do {
            const page = await m.readdir(root, dir, { after, limit: 1000, plus });
            seen += page.entries.length;
            after = page.next;
          } while (after);
          if (seen !== ENTRIES) throw new Error(`readdir saw ${seen} of ${ENTRIES} entries`);
        }
      }, count);
    }
    await phase(run, 'rename', ENTRIES, async () => {
      for (const name of names) await m.rename(root, { parent: dir, name: n(name), newParent: dir, newName: n(`r${name}`) });
    }, count);
    await phase(run, 'unlink', ENTRIES, async () => {
      for (const name of names) await m.unlink(root, dir, n(`r${name}`));
    }, count);
    if ((await m.usage()).inodes !== 2) throw new Error('volume not back to root + bench directory');
    const other = await VolumeMeta.open(url);
    try {
      for (let i = 0; i < MIXED; i++) await m.mknod(root, dir, n(`old${i}`), { type: 'file', mode: 0o644 });
      await phase(run, 'mixed', 2 * MIXED, async () => {
        await Promise.all([
          (async () => { for (let i = 0; i < MIXED; i++) await m.mknod(root, dir, n(`new${i}`), { type: 'file', mode: 0o644 }); })(),
          (async () => { for (let i = 0; i < MIXED; i++) await other.unlink(root, dir, n(`old${i}`)); })(),
        ]);
      }, count);
      if ((await m.usage()).inodes !== 2 + MIXED) throw new Error('mixed phase lost an inode count');
    } finally {
      await other.close();
    }
    run.note = (await m.engine.stats()).description;
  } finally {
    await m.close();
  }
  return run;
}

/** The same operations through node:fs on a temporary directory of the local disk. */
async function benchLocal(): Promise<Run> {
  const run: Run = { opsPerSec: {}, statementsPerOp: {} };
  const base = mkdtempSync(path.join(os.tmpdir(), 'slicefs-bench-'));
  const dir = path.join(base, 'bench');
  try {
    await fsp.mkdir(dir);
    await phase(run, 'create', ENTRIES, async () => {
      for (const name of names) await (await fsp.open(path.join(dir, name), 'wx', 0o644)).close();
    });
    await phase(run, 'stat', ENTRIES, async () => {
      for (const name of names) await fsp.stat(path.join(dir, name));
    });
    await phase(run, 'readdir', ENTRIES * LISTINGS, async () => {
      for (let i = 0; i < LISTINGS; i++) if ((await fsp.readdir(dir)).length !== ENTRIES) throw new Error('short listing');
    });
    await phase(run, 'readdir+', ENTRIES * LISTINGS, async () => {
      for (let i = 0; i < LISTINGS; i++) for (const name of await fsp.readdir(dir)) await fsp.lstat(path.join(dir, name));
    });
    await phase(run, 'rename', ENTRIES, async () => {
      for (const name of names) await fsp.rename(path.join(dir, name), path.join(dir, `r${name}`));
    });
    await phase(run, 'unlink', ENTRIES, async () => {
      for (const name of names) await fsp.unlink(path.join(dir, `r${name}`));
    });
    for (let i = 0; i < MIXED; i++) await (await fsp.open(path.join(dir, `old${i}`), 'wx', 0o644)).close();
    await phase(run, 'mixed', 2 * MIXED, async () => {
      await Promise.all([
        (async () => { for (let i = 0; i < MIXED; i++) await (await fsp.open(path.join(dir, `new${i}`), 'wx', 0o644)).close(); })(),
        (async () => { for (let i = 0; i < MIXED; i++) await fsp.unlink(path.join(dir, `old${i}`)); })(),
      ]);
    });
    run.note = `node:fs on ${os.tmpdir()}`;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return run;
}

/** One name per engine (aliases such as postgresql share a factory), expected ones first. */
function engineNames(): string[] {
  const seen = new Set<EngineFactory>();
  const registered = Object.keys(engineFactories).filter((k) => !seen.has(engineFactories[k]!) && seen.add(engineFactories[k]!));
  return [...new Set([...EXPECTED, ...registered])];
}

const counters: Record<string, () => number> = { postgres: () => postgresActivity().statements };

async function main(): Promise<void> {
  const columns: Array<{ name: string; run?: Run; missing?: string }> = [];
  process.stderr.write(`local disk (node:fs), ${ENTRIES} entries\n`);
  const local = await benchLocal();
  for (const name of engineNames()) {
    const maker = TEST_ENGINES.find((e) => e.name === name);
    if (!engineFactories[name]) columns.push({ name, missing: 'n/a (not registered)' });
    else if (!maker) columns.push({ name, missing: 'n/a (no URL maker in testing/test-engines.ts)' });
    else {
      process.stderr.write(`${name}, ${ENTRIES} entries\n`);
      const url = await maker.newUrl();
      try {
        columns.push({ name, run: await benchVolume(url, counters[name]) });
      } catch (err) {
        columns.push({ name, missing: `failed: ${(err as Error).message}` });
      } finally {
        await maker.cleanup(url);
      }
    }
  }

  const fmt = (x: number | undefined) => (x === undefined ? '–' : x >= 100 ? String(Math.round(x)) : x.toPrecision(3));
  console.log(`\n${ENTRIES} entries in one directory, one client, sequential (except mixed); readdir lists it ${LISTINGS}× in pages of 1000.`);
  console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}\n`);
  console.log(`| operation (ops/s) | local disk | ${columns.map((c) => c.name).join(' | ')} |`);
  console.log(`|---|---:|${columns.map(() => '---:').join('|')}|`);
  for (const p of PHASES) {
    const cells = columns.map((c) => {
      if (!c.run) return c.missing!;
      const ops = c.run.opsPerSec[p];
      return `${fmt(ops)} (${fmt(ops! / local.opsPerSec[p]!)}×)`;
    });
    console.log(`| ${p}: ${UNIT[p]} | ${fmt(local.opsPerSec[p])} | ${cells.join(' | ')} |`);
  }
  for (const c of columns.filter((c) => c.run && Object.keys(c.run.statementsPerOp).length)) {
    console.log(`\nSQL statements (= round trips) per operation on ${c.name}, BEGIN and COMMIT included:`);
    console.log(PHASES.map((p) => `${p} ${fmt(c.run!.statementsPerOp[p])}`).join(', '));
  }
  console.log(`\nmetadata bytes per created file (SQLite: .db + -wal, before a checkpoint): ${columns.filter((c) => c.run?.bytesPerFile !== undefined).map((c) => `${c.name} ${Math.round(c.run!.bytesPerFile!)}`).join(', ')}`);
  console.log('(×) = engine ops/s ÷ local-disk ops/s in the same run.');
  for (const c of [{ name: 'local disk', run: local }, ...columns]) if (c.run?.note) console.log(`${c.name}: ${c.run.note}`);
  const pg = postgresActivity();
  if (Object.keys(pg.retries).length) console.log(`postgres transaction retries: ${JSON.stringify(pg.retries)}, at most ${pg.mostAttempts} attempts for one`);
}

await main();
