// dump and load in bounded memory: a SQLite volume of N files (1000 per directory, one 4 KiB slice
// and one chunk record each) written straight into the tables, then `slicefs dump` to a .json.gz
// and `slicefs load` of it into a new SQLite volume, through the SDK, sampling the heap. The
// baseline is SQLite's own `sqlite3 DB .dump | gzip` of the same file. Runs under a 512 MiB heap:
//   npm run bench:dump -- --files 1000000 [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { dumpVolume, loadVolume, Volume, volumeStatus } from '../src/sdk/index.js';
import { heapOf } from './support/heap.js';
import { fillSqliteVolume } from './support/sqlite-fill.js';

const { values } = parseArgs({ options: { files: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false } } });
const FILES = Number(values.files);
const PER_DIR = 1000;
const INODES = FILES + Math.ceil(FILES / PER_DIR) + 1;
const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-bench-dump-'));
const source = path.join(dir, 'source.db');
const target = path.join(dir, 'loaded.db');
const dumpFile = path.join(dir, 'volume.json.gz');
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** Takes a retained-heap sample (a full GC) every `every` progress reports, so forced GCs stay a small part of the time. */
const every = (n: number, sample: () => void) => {
  let calls = 0;
  return () => void (++calls % n === 0 && sample());
};

async function counters(metaUrl: string) {
  const vol = await Volume.open(metaUrl, { readOnly: true });
  try {
    const s = await volumeStatus(vol);
    return JSON.stringify({ logical: s.logical, physical: s.physical });
  } finally {
    await vol.close();
  }
}

try {
  await Volume.format(`sqlite3://${source}`, 'bench', { storage: `file://${dir}/objects/` });
  let start = performance.now();
  const { dirs, files } = fillSqliteVolume(source, { inodes: INODES, perDir: PER_DIR });
  console.log(
    `volume: ${INODES.toLocaleString()} inodes (${dirs} directories, ${files.toLocaleString()} files and slices), ` +
      `${mib(statSync(source).size)} of SQLite, written in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  global.gc?.();
  const base = process.memoryUsage().heapUsed;
  console.log(`heap limit ${mib(v8.getHeapStatistics().heap_size_limit)}; heap in use before ${mib(base)}`);

  let baseline: number | undefined;
  if (spawnSync('sqlite3', ['-version']).status === 0) {
    start = performance.now();
    execFileSync('sh', ['-c', `sqlite3 '${source}' .dump | gzip > '${dir}/baseline.sql.gz'`]);
    baseline = (performance.now() - start) / 1000;
    console.log(`baseline: sqlite3 .dump | gzip   ${baseline.toFixed(1).padStart(6)} s  ${mib(statSync(`${dir}/baseline.sql.gz`).size)}`);
  } else console.log('baseline: no sqlite3 command here, no ratio');

  const dump = await heapOf((sample) => dumpVolume(`sqlite3://${source}`, dumpFile, { onProgress: every(20, sample) }));
  global.gc?.();
  const load = await heapOf((sample) => loadVolume(`sqlite3://${target}`, dumpFile, { onProgress: every(50, sample) }));
  if (load.result.inodes !== INODES || dump.result.inodes !== INODES) throw new Error(`dumped ${dump.result.inodes}, loaded ${load.result.inodes} inodes of ${INODES}`);
  const [before, after] = [await counters(`sqlite3://${source}`), await counters(`sqlite3://${target}`)];
  if (before !== after) throw new Error(`the loaded volume's usage differs: ${before} vs ${after}`);

  for (const [name, r] of [['dump (.json.gz)', dump], ['load (sqlite3)', load]] as const) {
    const ratio = baseline ? `  ${(r.seconds / baseline).toFixed(2)}x sqlite3 .dump` : '';
    console.log(
      `${name.padEnd(16)} ${r.seconds.toFixed(1).padStart(6)} s (${Math.round(INODES / r.seconds).toLocaleString()} inodes/s, ` +
        `${Math.round(r.result.records / r.seconds).toLocaleString()} records/s)  retained heap ${mib(r.retained)} (+${mib(r.retained - base)})  ` +
        `peak with garbage ${mib(r.peak)}${ratio}`,
    );
  }
  console.log(`dump file ${mib(statSync(dumpFile).size)} for ${dump.result.records.toLocaleString()} records; usage of the loaded volume matches`);
} finally {
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
