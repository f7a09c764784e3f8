import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { FsError } from '../../../errors/index.js';
import { fsck } from '../../fsck/fsck.js';
import { n, root, withMeta } from '../../testing/harness.js';
import { TEST_ENGINES, type TestEngine } from '../../testing/test-engines.js';
import { type Ino, ROOT_INO } from '../../types.js';
import { VolumeMeta } from '../../volume-meta.js';
import { chunkReferences } from '../../testing/chunk-references.js';

const redis = TEST_ENGINES.find((e) => e.name === 'redis') as TestEngine;
const [DIRS, FILES] = [6, 25];

/** Writes one new slice of `len` bytes at `pos` of chunk 0. */
async function write(m: VolumeMeta, ino: Ino, pos: number, len: number): Promise<void> {
  const id = await m.newSliceId();
  await m.commitSlices(ino, [{ index: 0, record: { pos, id, size: len, off: 0, len } }]);
}

/** A tree as path → what a clone must reproduce: type, length and chunk records of each file. */
async function treeState(m: VolumeMeta, dir: Ino, path = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of (await m.readdir(root, dir, { limit: 10_000 })).entries) {
    const p = `${path}/${e.name.toString()}`;
    const attr = await m.getattr(e.ino);
    if (attr.type === 'dir') Object.assign(out, { [p]: 'dir' }, await treeState(m, e.ino, p));
    else out[p] = `${attr.length} ${JSON.stringify(await m.readChunk(e.ino, 0))}`;
  }
  return out;
}

/** Every slice whose reference count differs from the number of chunk records naming it. */
async function driftingSlices(m: VolumeMeta): Promise<string[]> {
  const { counts } = await chunkReferences(m.engine);
  const slices = await m.engine.scanSlices(0, 1_000_000);
  const drift = slices.filter((s) => s.refs !== (counts.get(s.id) ?? 0)).map((s) => `${s.id}: ${s.refs} refs, ${counts.get(s.id) ?? 0} records`);
  const known = new Set(slices.map((s) => s.id));
  for (const [id, records] of counts) if (!known.has(id)) drift.push(`${id}: missing, ${records} records`);
  return drift;
}

describe('redis engine: clones racing with writers', () => {
  it('keeps every reference count exact while the source is written, truncated, shared, unlinked and renamed', async () => {
    await withMeta(redis, async (m, url) => {
      const writer = await VolumeMeta.open(url);
      try {
        const src = await m.mkdir(root, ROOT_INO, n('src'), 0o755);
        const out = await m.mkdir(root, ROOT_INO, n('out'), 0o755);
        const dirs: Ino[] = [];
        const files: Array<{ dir: Ino; name: string; ino: Ino }> = [];
        for (let d = 0; d < DIRS; d++) {
          const dir = await m.mkdir(root, src.ino, n(`d${d}`), 0o755);
          dirs.push(dir.ino);
          await Promise.all(Array.from({ length: FILES }, async (_, i) => {
            const f = await m.mknod(root, dir.ino, n(`f${i}`), { type: 'file', mode: 0o644 });
            for (let r = 0; r <= i % 3; r++) await write(m, f.ino, r * 100, 300);
            files.push({ dir: dir.ino, name: `f${i}`, ino: f.ino });
          }));
        }
        let stop = false;
        let ops = 0;
        const ignoreGone = (e: unknown) => {
          if (!(e instanceof FsError && (e.code === 'ENOENT' || e.code === 'EEXIST'))) throw e;
        };
        // One writer per kind of change, all in the source tree, until the clone is linked.
        const churn = async (step: (i: number) => Promise<unknown>) => {
          for (let i = 0; !stop; i++) {
            await step(i).catch(ignoreGone);
            ops++;
          }
        };
        const pick = (i: number) => files[(i * 7919) % files.length]!;
        const writers = [
          churn((i) => write(writer, pick(i).ino, (i % 5) * 50, 120)),
          // Truncating to zero drops a file's references without touching its directory.
          ...[1, 2, 3].map((k) => churn((i) => writer.truncate(root, pick(i * 3 + k).ino, (i % 3) * 90))),
          churn((i) => writer.copyRange({ src: pick(i + 2).ino, srcOffset: 0, dst: pick(i + 3).ino, dstOffset: 40, length: 200 })),
          churn(async (i) => {
            const f = pick(i + 4);
            if (i % 3 === 0) await writer.unlink(root, f.dir, n(f.name));
            else if (i % 3 === 1) await writer.rename(root, { parent: f.dir, name: n(f.name), newParent: dirs[(i + 1) % DIRS]!, newName: n(`${f.name}-r${i}`) });
            else await writer.rename(root, { parent: f.dir, name: n(f.name), newParent: out.ino, newName: n(`${f.name}-out${i}`) });
          }),
          churn(async (i) => {
            const f = await writer.mknod(root, dirs[i % DIRS]!, n(`new${i}`), { type: 'file', mode: 0o644 });
            await write(writer, f.ino, 0, 64);
          }),
        ];
        const before = ops;
        // Small batches: the clone's batches interleave with the writers' transactions.
        const copy = await m.clone(root, { src: src.ino, parent: ROOT_INO, name: n('dst') }, { batchSize: 5 });
        const during = ops - before;
        stop = true;
        await Promise.all(writers);
        assert.ok(during > 20, `only ${during} changes overlapped the clone`);
        assert.deepEqual(await driftingSlices(m), []);
        const report = await fsck(m.engine);
        assert.deepEqual(report.problems, [], JSON.stringify(report.problems.slice(0, 5)));
        const cloned = await m.readdir(root, copy.ino);
        assert.equal(cloned.entries.length, DIRS);
      } finally {
        await writer.close();
      }
    });
  });

  it('continues a directory in name order when a batch stops inside it on many chunk records', async () => {
    await withMeta(redis, async (m) => {
      const src = await m.mkdir(root, ROOT_INO, n('src'), 0o755);
      // Created out of name order, so that no other order of the directory matches the names'.
      for (let i = 0; i < 40; i++) {
        const f = await m.mknod(root, src.ino, n(`f${String((i * 7) % 40).padStart(2, '0')}`), { type: 'file', mode: 0o644 });
        for (let r = 0; r < 12; r++) await write(m, f.ino, r * 10, 10);
      }
      // 45 entries fit the budget, but their cost (2.2 per file of 12 records) does not: the
      // batch stops inside the directory, and the next one must go on after the last name.
      const copy = await m.clone(root, { src: src.ino, parent: ROOT_INO, name: n('dst') }, { batchSize: 45 });
      const names = (await m.readdir(root, copy.ino, { limit: 100 })).entries.map((e) => e.name.toString());
      assert.deepEqual(names, Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}`));
      assert.deepEqual(await driftingSlices(m), []);
      assert.deepEqual((await fsck(m.engine)).problems, []);
    });
  });

  it('a consistent clone copies every file as of its one commit, while the files keep changing', async () => {
    await withMeta(redis, async (m, url) => {
      const writer = await VolumeMeta.open(url);
      try {
        const src = await m.mkdir(root, ROOT_INO, n('src'), 0o755);
        const files: Ino[] = [];
        for (let d = 0; d < 3; d++) {
          const dir = await m.mkdir(root, src.ino, n(`d${d}`), 0o755);
          for (let i = 0; i < 10; i++) {
            const f = await m.mknod(root, dir.ino, n(`f${i}`), { type: 'file', mode: 0o644 });
            await write(m, f.ino, 0, 100);
            files.push(f.ino);
          }
        }
        // Every state the source goes through; the copy must be one of them.
        const states = [await treeState(writer, src.ino)];
        let changes: Promise<void> | undefined;
        const change = async () => {
          for (let i = 0; i < 12; i++) {
            const f = files[(i * 7) % files.length]!;
            if (i % 3 === 2) await writer.truncate(root, f, 30);
            else await write(writer, f, 20 * i, 50);
            states.push(await treeState(writer, src.ino));
          }
        };
        const copy = await m.clone(root, { src: src.ino, parent: ROOT_INO, name: n('snap') }, {
          consistent: true, batchSize: 4, onProgress: () => void (changes ??= change()),
        });
        await changes;
        assert.equal(states.length, 13);
        const snap = await treeState(m, copy.ino);
        assert.ok(states.some((state) => isDeepStrictEqual(snap, state)), 'the copy is one state the source went through');
        assert.deepEqual(await driftingSlices(m), []);
        assert.deepEqual((await fsck(m.engine)).problems, []);
      } finally {
        await writer.close();
      }
    });
  });
});
