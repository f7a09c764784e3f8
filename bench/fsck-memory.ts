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
import { checkVolume, collectGarbage, Volume } from '../src/sdk/index.js';
import { heapOf } from './support/heap.js';
import { fillSqliteVolume } from './support/sqlite-fill.js';

const { values } = parseArgs({ options: { inodes: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false } } });
const INODES = Number(values.inodes);
const PER_DIR = 1000;
const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-bench-fsck-'));
const file = path.join(dir, 'volume.db');
const metaUrl = `sqlite3://${file}`;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

try {
  await Volume.format(metaUrl, 'bench', { storage: `file://${dir}/objects/` });
  let start = performance.now();
  const { dirs, files } = fillSqliteVolume(file, { inodes: INODES, perDir: PER_DIR });
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
