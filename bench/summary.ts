// `summary` of a large tree: the walk (one read per entry, the code before issue 17 item 7)
// against the engine's set-based answer (one recursive query on SQLite/PostgreSQL, batched
// level by level on Redis). The tree: a base of 10,000 files of 1 KiB (100 per directory,
// 10 × 10 directories) written with engine transactions, then cloned until it holds --files.
//   npx tsx bench/summary.ts [--files 200000] [--engines sqlite3,postgres,redis] [--runs 3]
import { parseArgs } from 'node:util';
import type { Engine } from '../src/meta/engine.js';
import { newAttr } from '../src/meta/ops/inode-records.js';
import { summarize, walkSummary } from '../src/meta/space/tree-usage.js';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { n, root, testSettings } from '../src/meta/testing/harness.js';
import { type Attr, type Ino, ROOT_INO } from '../src/meta/types.js';
import { VolumeMeta } from '../src/meta/volume-meta.js';

const { values } = parseArgs({
  options: { files: { type: 'string', default: '200000' }, engines: { type: 'string', default: 'sqlite3,postgres' }, runs: { type: 'string', default: '3' } },
});
const BASE = 10_000;
const PER_DIR = 100;
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

/** /bench/t0: 10 directories of 10 directories of 100 files (1 KiB each, no data). */
async function buildBase(engine: Engine, parent: Attr): Promise<Attr> {
  const count = 1 + 10 + 100 + BASE;
  let next = (await engine.incrCounter('nextInode', count)) - count + 1;
  const top = newAttr(root, parent, { ino: next++ as Ino, type: 'dir', mode: 0o755 });
  const put = async (tx: Parameters<Parameters<Engine['txn']>[0]>[0], dir: Attr, child: Attr, name: string) => {
    await tx.putInode(child);
    await tx.putEdge(dir.ino, { name: n(name), ino: child.ino, type: child.type });
  };
  await engine.txn(async (tx) => {
    await put(tx, parent, top, 't0');
    await tx.putInode({ ...parent, nlink: parent.nlink + 1 });
  });
  for (let mid = 0; mid < 10; mid++) {
    await engine.txn(async (tx) => {
      const m = newAttr(root, top, { ino: next++ as Ino, type: 'dir', mode: 0o755 });
      m.nlink = 12;
      await put(tx, top, m, `d${mid}`);
      for (let leaf = 0; leaf < 10; leaf++) {
        const l = newAttr(root, m, { ino: next++ as Ino, type: 'dir', mode: 0o755 });
        await put(tx, m, l, `d${leaf}`);
        for (let f = 0; f < PER_DIR; f++) await put(tx, l, newAttr(root, l, { ino: next++ as Ino, type: 'file', mode: 0o644, length: 1024 }), `f${f}`);
      }
    });
  }
  await engine.txn(async (tx) => {
    await tx.putInode({ ...top, nlink: 12 });
    await tx.addCounter('inodes', count);
    await tx.addCounter('usedBytes', BASE * 1024);
  });
  return top;
}

const files = Number(values.files);
const runs = Number(values.runs);
console.log(`summary of a ${files.toLocaleString('en')}-file tree (${runs} runs each; best and median)`);
for (const name of values.engines.split(',')) {
  const engine = testEngines().find((e) => e.name === name);
  if (!engine) throw new Error(`engine ${name} is not available here`);
  const url = await engine.newUrl();
  try {
    await VolumeMeta.format(url, testSettings());
    const meta = await VolumeMeta.open(url);
    try {
      const built = process.hrtime.bigint();
      const dir = await meta.mkdir(root, ROOT_INO, n('bench'), 0o755);
      const base = await buildBase(meta.engine, dir);
      for (let i = 1; i * BASE < files; i++) await meta.clone(root, { src: base.ino, parent: dir.ino, name: n(`t${i}`) });
      const tree = await meta.getattr(dir.ino);
      console.log(`${name}: tree built in ${seconds(built).toFixed(1)} s`);
      const time = async (fn: () => Promise<unknown>) => {
        const t: number[] = [];
        let result: unknown;
        for (let r = 0; r < runs; r++) {
          const start = process.hrtime.bigint();
          result = await fn();
          t.push(seconds(start));
        }
        t.sort((a, b) => a - b);
        return { best: t[0]!, median: t[Math.floor(t.length / 2)]!, result };
      };
      const walk = await time(() => walkSummary(meta.engine, tree));
      const fast = await time(() => summarize(meta.engine, tree));
      if (JSON.stringify(walk.result) !== JSON.stringify(fast.result)) throw new Error(`results differ: ${JSON.stringify(walk.result)} vs ${JSON.stringify(fast.result)}`);
      const s = fast.result as { files: number; dirs: number; size: number };
      console.log(
        `${name}: ${s.files} files, ${s.dirs} dirs, ${s.size} bytes | walk ${walk.best.toFixed(2)} s (median ${walk.median.toFixed(2)}) | ` +
          `set-based ${fast.best.toFixed(3)} s (median ${fast.median.toFixed(3)}) | ${(walk.median / fast.median).toFixed(1)}x`,
      );
    } finally {
      await meta.close();
    }
  } finally {
    await engine.cleanup(url);
  }
}
