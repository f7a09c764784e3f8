// fsck and gc in bounded memory: a SQLite volume of N inodes (1000 files per directory, one slice
// and one chunk record per file) written straight into the tables with SQL in seconds, then
// `fsck` and `gc` (report only) through the SDK, sampling the heap. Run it with a small heap
// limit as proof (npm run bench:fsck sets --max-old-space-size=512):
//   node --max-old-space-size=512 --import tsx bench/fsck-memory.ts [--inodes 1000000] [--keep]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import Database from 'better-sqlite3';
import { checkVolume, collectGarbage, Volume } from '../src/sdk/index.js';

const { values } = parseArgs({ options: { inodes: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false } } });
const INODES = Number(values.inodes);
const PER_DIR = 1000;
const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-bench-fsck-'));
const file = path.join(dir, 'volume.db');
const metaUrl = `sqlite3://${file}`;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** Fills a formatted volume: /d<k>/f<n>, PER_DIR files per directory, one 4 KiB slice per file. */
function fill(): { dirs: number; files: number } {
  const dirs = Math.ceil((INODES - 1) / (PER_DIR + 1));
  const files = INODES - 1 - dirs;
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const t = Math.floor(Date.now() / 1000);
  const node = db.prepare(
    `INSERT INTO node (ino, type, mode, uid, gid, nlink, length, rdev, atime, atimensec, mtime, mtimensec, ctime, ctimensec, parent)
     VALUES (?, ?, ?, 0, 0, ?, ?, 0, ${t}, 0, ${t}, 0, ${t}, 0, ?)`,
  );
  const edge = db.prepare(`INSERT INTO edge (parent, name, ino, type) VALUES (?, ?, ?, ?)`);
  const slice = db.prepare(`INSERT INTO slice (id, size, refs) VALUES (?, 4096, 1)`);
  const record = db.prepare(`INSERT INTO chunk_slice (ino, indx, seq, pos, id, size, off, len) VALUES (?, 0, 1, 0, ?, 4096, 0, 4096)`);
  const batch = db.transaction((from: number, to: number) => {
    for (let f = from; f < to; f++) {
      const parent = 2 + Math.floor(f / PER_DIR);
      const ino = 2 + dirs + f;
      node.run(ino, 'file', 0o644, 1, 4096, parent);
      edge.run(parent, Buffer.from(`f${f % PER_DIR}`), ino, 'file');
      slice.run(f + 1);
      record.run(ino, f + 1);
    }
  });
  db.transaction(() => {
    db.prepare(`UPDATE node SET nlink = nlink + ? WHERE ino = 1`).run(dirs);
    for (let d = 0; d < dirs; d++) {
      node.run(2 + d, 'dir', 0o755, 2, 0, 1);
      edge.run(1, Buffer.from(`d${d}`), 2 + d, 'dir');
    }
  })();
  for (let f = 0; f < files; f += 100_000) batch(f, Math.min(files, f + 100_000));
  const set = db.prepare(`UPDATE counter SET value = ? WHERE name = ?`);
  for (const [name, value] of [['nextInode', 1 + dirs + files], ['inodes', INODES], ['nextSlice', files], ['usedBytes', files * 4096], ['storedSlices', files], ['storedBytes', files * 4096]] as const) {
    set.run(value, name);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { dirs, files };
}

/**
 * Runs `fn`, sampling the heap: `retained` after a full GC at every progress report (once per
 * page of 10,000 rows: what the check holds), `peak` every 10 ms without GC (garbage included).
 */
async function heapOf<T>(fn: (sample: () => void) => Promise<T>): Promise<{ result: T; retained: number; peak: number; seconds: number }> {
  let retained = 0;
  let peak = 0;
  const sample = () => void (peak = Math.max(peak, process.memoryUsage().heapUsed));
  const collect = () => {
    global.gc?.();
    retained = Math.max(retained, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 10);
  const start = performance.now();
  try {
    const result = await fn(collect);
    collect();
    return { result, retained, peak: Math.max(peak, retained), seconds: (performance.now() - start) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

try {
  await Volume.format(metaUrl, 'bench', { storage: `file://${dir}/objects/` });
  let start = performance.now();
  const { dirs, files } = fill();
  console.log(`volume: ${INODES.toLocaleString()} inodes (${dirs} directories, ${files.toLocaleString()} files, ${files.toLocaleString()} slices), ` +
    `${mib(statSync(file).size)} of SQLite, written in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  const vol = await Volume.open(metaUrl, { deleteObjects: false });
  try {
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    const limit = v8.getHeapStatistics().heap_size_limit;
    console.log(`heap limit ${mib(limit)}; heap in use before the checks ${mib(base)}`);
    const check = await heapOf((sample) => checkVolume(vol, { onProgress: sample }));
    if (check.result.problems.length) throw new Error(`fsck found problems: ${JSON.stringify(check.result.problems.slice(0, 3))}`);
    if (check.result.inodes !== INODES) throw new Error(`fsck counted ${check.result.inodes} inodes, expected ${INODES}`);
    global.gc?.();
    start = performance.now();
    const gc = await heapOf((sample) => collectGarbage(vol, { onProgress: sample }));
    for (const [name, r] of [['fsck', check], ['gc (report only)', gc]] as const) {
      const growth = r.retained - base;
      console.log(
        `${name.padEnd(17)} ${r.seconds.toFixed(1).padStart(6)} s (${Math.round(INODES / r.seconds).toLocaleString()} inodes/s)  ` +
          `retained heap ${mib(r.retained)} (+${mib(growth)} = ${(growth / INODES).toFixed(1)} bytes/inode)  peak with garbage ${mib(r.peak)}`,
      );
    }
    const perInode = (check.retained - base) / INODES;
    console.log(`extrapolated to 10M inodes: fsck retains ≈ ${mib(base + perInode * 10_000_000)} of heap`);
  } finally {
    await vol.close();
  }
} finally {
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
