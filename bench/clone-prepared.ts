// Tree clone on a prepared PostgreSQL volume: the 100k-file tree of bench:clone (1 KiB files,
// 100 per directory, 10 × 100 directories) written straight into the tables with SQL in seconds
// instead of built through the SDK in minutes, checked with fsck, then cloned in fresh copies
// of that database (CREATE DATABASE … TEMPLATE), so repeated runs time `vol.clone` alone.
//   npx tsx bench/clone-prepared.ts [--runs 3] [--consistent]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { VolumeMeta } from '../src/meta/volume-meta.js';
import { fsck } from '../src/meta/fsck/fsck.js';
import { Volume } from '../src/sdk/index.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, consistent: { type: 'boolean', default: false } } });
const FILES = 100_000;
const server = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const tag = `bench_clone_${process.pid}`;
const url = (db: string) => `postgres://${server.user}@${server.host}:${server.port}/${db}`;
const objects = mkdtempSync(path.join(tmpdir(), 'slicefs-bench-prepared-'));
const admin = new pg.Client({ ...server, database: 'postgres' });
await admin.connect();

/** Formats a volume and fills it with the tree: /src/d<mid>/d<leaf>/f<n>, one slice per file. */
async function prepare(db: string): Promise<void> {
  await admin.query(`CREATE DATABASE ${db}`);
  await Volume.format(url(db), 'bench', { storage: `file://${objects}/` });
  const c = new pg.Client({ ...server, database: db });
  await c.connect();
  try {
    const t = Math.floor(Date.now() / 1000);
    const node = (select: string) =>
      c.query(`INSERT INTO node (ino, type, mode, uid, gid, nlink, length, rdev, atime, atimensec, mtime, mtimensec, ctime, ctimensec, parent) ${select}`);
    const dir = (ino: string, nlink: number, parent: string) => `SELECT ${ino}, 'dir', ${0o755}, 0, 0, ${nlink}, 0, 0, ${t}, 0, ${t}, 0, ${t}, 0, ${parent}`;
    const root = (await c.query(`SELECT value FROM counter WHERE name = 'nextInode'`)).rows[0].value as string;
    if (Number(root) !== 1) throw new Error(`expected a fresh volume, nextInode is ${root}`);
    await c.query(`UPDATE node SET nlink = nlink + 1 WHERE ino = 1`);
    await node(dir('2', 12, '1'));
    await c.query(`INSERT INTO edge (parent, name, ino, type) VALUES (1, 'src', 2, 'dir')`);
    await node(`${dir('3 + g', 102, '2')} FROM generate_series(0, 9) g`);
    await c.query(`INSERT INTO edge (parent, name, ino, type) SELECT 2, convert_to('d' || g, 'UTF8'), 3 + g, 'dir' FROM generate_series(0, 9) g`);
    await node(`${dir('13 + g', 2, '3 + g / 100')} FROM generate_series(0, 999) g`);
    await c.query(`INSERT INTO edge (parent, name, ino, type) SELECT 3 + g / 100, convert_to('d' || g, 'UTF8'), 13 + g, 'dir' FROM generate_series(0, 999) g`);
    await node(`SELECT 1013 + g, 'file', ${0o644}, 0, 0, 1, 1024, 0, ${t}, 0, ${t}, 0, ${t}, 0, 13 + g / 100 FROM generate_series(0, ${FILES - 1}) g`);
    await c.query(`INSERT INTO edge (parent, name, ino, type) SELECT 13 + g / 100, convert_to('f' || (g % 100), 'UTF8'), 1013 + g, 'file' FROM generate_series(0, ${FILES - 1}) g`);
    await c.query(`INSERT INTO slice (id, size, refs) SELECT g + 1, 1024, 1 FROM generate_series(0, ${FILES - 1}) g`);
    await c.query(`INSERT INTO chunk_slice (ino, indx, seq, pos, id, size, off, len) SELECT 1013 + g, 0, 1, 0, g + 1, 1024, 0, 1024 FROM generate_series(0, ${FILES - 1}) g`);
    const last = 1012 + FILES;
    for (const [name, value] of [['nextInode', last], ['inodes', last], ['nextSlice', FILES], ['usedBytes', FILES * 1024]] as const) {
      await c.query(`UPDATE counter SET value = $1 WHERE name = $2`, [value, name]);
    }
    await c.query('VACUUM ANALYZE');
  } finally {
    await c.end();
  }
  const meta = await VolumeMeta.open(url(db));
  try {
    const report = await fsck(meta.engine);
    if (report.problems.length) throw new Error(`the prepared volume is not consistent: ${JSON.stringify(report.problems.slice(0, 3))}`);
  } finally {
    await meta.close();
  }
}

const template = `${tag}_tmpl`;
try {
  let t = process.hrtime.bigint();
  await prepare(template);
  console.log(`prepared ${FILES.toLocaleString()} files on PostgreSQL in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s (fsck clean)`);
  console.log(`clone /src /dst${values.consistent ? ' --consistent' : ''}, each in a fresh copy of the volume:`);
  for (let r = 0; r < Number(values.runs); r++) {
    const db = `${tag}_run`;
    await admin.query(`CREATE DATABASE ${db} TEMPLATE ${template}`);
    try {
      const vol = await Volume.open(url(db));
      try {
        await vol.stat('/src/d0/d0/f0');
        t = process.hrtime.bigint();
        await vol.clone('/src', '/dst', { consistent: values.consistent });
        console.log(`  run ${r + 1}: ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(3)} s`);
      } finally {
        await vol.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
    }
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.end();
  rmSync(objects, { recursive: true, force: true });
}
