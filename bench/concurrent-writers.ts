// Small files written by several writers at once through the metadata layer, as a mount's
// concurrent echo loops make them (a create, then a commit of 6 inline bytes, per file), each
// writer in its own directory: µs of wall time per file with one writer and with --writers, and
// on PostgreSQL the statements per file and the transactions run again after a conflict.
//   npx tsx bench/concurrent-writers.ts [--files 250] [--writers 4] [--engines sqlite3,redis,postgres]
import { parseArgs } from 'node:util';
import { postgresActivity } from '../src/meta/engines/sql/dialects/postgres.js';
import { n, root } from '../src/meta/testing/harness.js';
import { type Ino, ROOT_INO } from '../src/meta/types.js';
import type { VolumeMeta } from '../src/meta/volume-meta.js';
import { onFreshVolumes } from './support/fresh-volumes.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '250' },
    writers: { type: 'string', default: '4' },
    engines: { type: 'string', default: 'sqlite3,redis,postgres' },
  },
});
const FILES = Number(values.files);
const WRITERS = Number(values.writers);
const data = Buffer.from('hello\n');

/** Each of `dirs` gets FILES files, written one after another, all directories at once. */
async function writeAtOnce(m: VolumeMeta, dirs: readonly Ino[], tag: string): Promise<void> {
  await Promise.all(dirs.map(async (dir) => {
    for (let i = 0; i < FILES; i++) {
      const file = await m.mknod(root, dir, n(`${tag}-${i}`), { type: 'file', mode: 0o644 });
      const id = await m.newSliceId();
      await m.commitSlices(file.ino, [{ index: 0, record: { pos: 0, id, size: data.length, off: 0, len: data.length }, data }]);
    }
  }));
}

await onFreshVolumes(values.engines!, async (name, m) => {
  const dirs: Ino[] = [];
  for (let w = 0; w < WRITERS; w++) dirs.push((await m.mkdir(root, ROOT_INO, n(`writer-${w}`), 0o755)).ino);
  await writeAtOnce(m, dirs.slice(0, 1), 'warm');
  const line: string[] = [];
  for (const writers of [1, WRITERS]) {
    const before = postgresActivity();
    const t0 = performance.now();
    await writeAtOnce(m, dirs.slice(0, writers), `w${writers}`);
    const perFile = ((performance.now() - t0) * 1000) / (FILES * writers);
    const after = postgresActivity();
    let text = `${writers} writer${writers > 1 ? 's' : ''} ${perFile.toFixed(0)} µs/file`;
    if (name === 'postgres') {
      const retried = Object.values(after.retries).reduce((a, b) => a + b, 0) - Object.values(before.retries).reduce((a, b) => a + b, 0);
      text += ` (${((after.statements - before.statements) / (FILES * writers)).toFixed(2)} statements/file, ${retried} run again)`;
    }
    line.push(text);
  }
  console.log(`${name}: ${line.join('; ')}`);
});
