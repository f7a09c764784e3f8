// fsck --repair on a volume another client is changing: nothing of theirs is lost, counters exact.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Engine } from '../src/meta/engine.js';
import { fsck } from '../src/meta/fsck/fsck.js';
import { testEngines } from '../src/meta/testing/test-engines.js';
import type { Ino } from '../src/meta/types.js';
import type { Volume } from '../src/sdk/index.js';
import { slicefs } from './support/cli.js';
import { withEngineVolume } from './support/engine-volume.js';
import { buildTree, describeTree } from './support/tree.js';

const BIN = path.resolve('bin/slicefs.js');
/** The scans after which the other client gets its turn (between the passes of the check). */
const TURNS = new Set(['scanEdges', 'scanChunkRecords', 'scanSlices', 'chunkReferences']);

/**
 * The engine, with `step` run once before the first page of each scan in `turns` (TURNS), on the engine's
 * own scans and on those of its snapshots. A snapshot that holds writers back (the memory engine)
 * cannot wait for the step: it only starts it.
 */
function interleaved(engine: Engine, step: () => Promise<void>, started: Array<Promise<void>>, turns: ReadonlySet<string> = TURNS): Engine {
  const fired = new Set<string>();
  const wait = engine.scheme !== 'mem';
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, key) {
        const value = Reflect.get(t, key) as unknown;
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (key === 'snapshot') return (body: (view: object) => unknown) => fn.call(t, (view: object) => body(wrap(view)));
        if (typeof key === 'string' && turns.has(key)) {
          return async (...args: unknown[]) => {
            if (!fired.has(key)) {
              fired.add(key);
              const turn = step();
              started.push(turn);
              if (wait) await turn;
            }
            return fn.apply(t, args);
          };
        }
        return fn.bind(t);
      },
    });
  return wrap(engine);
}

/** Damage for the repair to fix, next to the live data: counters, references, links, entries, chunks. */
async function damage(vol: Volume): Promise<void> {
  const f0 = (await vol.stat('/old/f0')).ino as Ino;
  const f2 = (await vol.stat('/old/sub/deeper/f2')).ino as Ino;
  const [r0] = await vol.meta.readChunk(f0, 0);
  const [r2] = await vol.meta.readChunk(f2, 0);
  await vol.meta.engine.txn(async (tx) => {
    await tx.addSliceRefs([r0!.id, r0!.id]);
    await tx.addCounter('inodes', 3);
    await tx.addCounter('usedBytes', -7);
    const a = (await tx.getInode(f0))!;
    await tx.putInode({ ...a, nlink: 4 });
    await tx.putEdge(1 as Ino, { name: Buffer.from('dangling'), ino: 999_999 as Ino, type: 'file' });
    // Chunk records of a missing inode that use f2's live slice without a reference of their own:
    // dropping them must not free f2's data.
    await tx.appendChunk(888_888 as Ino, 0, [r2!]);
  });
}

/** The other client's work: new files written whole, and a log growing by appends. */
function writerOf(writer: Volume) {
  const files = new Map<string, Buffer>();
  let n = 0;
  let last = Promise.resolve();
  const one = async () => {
    const i = n++;
    const data = Buffer.alloc(70_000 + i, i + 1);
    await writer.writeFile(`/new/f${i}`, data);
    await writer.appendFile('/new/log', `line ${i}\n`);
    files.set(`/new/f${i}`, data);
  };
  return {
    files,
    /** One file and one line, after the previous step. */
    step(): Promise<void> {
      return (last = last.then(one));
    },
    async verify(reader: Volume) {
      for (const [file, data] of files) assert.deepEqual(await reader.readFile(file), data, `${file} intact`);
      const lines = (await reader.readFile('/new/log')).toString().trim().split('\n');
      assert.deepEqual(lines, [...Array(n).keys()].map((i) => `line ${i}`));
      assert.deepEqual((await reader.readdir('/new')).sort(), ['log', ...files.keys()].map((f) => path.basename(f)).sort());
    },
  };
}

for (const engine of testEngines()) {
  describe(`fsck on a live volume [${engine.name}]`, () => {
    it('repair while another client creates and writes files: nothing of theirs lost, counters exact', async () => {
      await withEngineVolume(engine, async ({ vol, another }) => {
        await buildTree(vol, '/old');
        const old = await describeTree(vol, '/old');
        await damage(vol);
        const writer = await another();
        await writer.mkdir('/new');
        const work = writerOf(writer);
        const turns: Array<Promise<void>> = [];
        const hooked = interleaved(vol.meta.engine, () => work.step(), turns);
        const repair = () => fsck(hooked, { repair: true, session: vol.meta.session });
        if (engine.name === 'redis') {
          // No snapshot: repair refuses while the writer is connected, and says how to override.
          await assert.rejects(repair(), (err: NodeJS.ErrnoException) => err.code === 'EBUSY' && /--force/.test(err.message));
          await Promise.all(turns);
          await work.step();
          await writer.close();
          const report = await fsck(vol.meta.engine, { repair: true, session: vol.meta.session });
          assert.ok(report.problems.length >= 6 && report.problems.every((p) => p.repaired), JSON.stringify(report.problems));
        } else {
          const report = await repair();
          await Promise.all(turns);
          assert.ok(turns.length >= 3, 'the writer worked between the passes');
          const kinds = new Set(report.problems.map((p) => p.kind));
          for (const k of ['counter', 'slice-refs', 'nlink', 'edge-dangling', 'chunks-orphan']) assert.ok(kinds.has(k as never), `${k} found`);
          assert.ok(report.problems.every((p) => p.repaired), JSON.stringify(report.problems, null, 1));
          await work.step(); // and the writer goes on after the repair
        }
        await work.verify(vol);
        assert.deepEqual(await describeTree(vol, '/old'), old, 'the old files intact');
        assert.deepEqual((await fsck(vol.meta.engine)).problems, [], 'a second fsck finds nothing (counters included)');
      });
    });
  });
}

// A client's own queue of deleted slices drains while fsck scans (CI saw Redis report the
// stored counters wrong): without a snapshot, a counter that moved during the scan is not compared.
for (const engine of testEngines()) {
  describe(`fsck while the deletion queue drains [${engine.name}]`, () => {
    it('finds nothing wrong when the queue is scanned before a drain and the counters read after it', async () => {
      await withEngineVolume(engine, async ({ vol: first, another }) => {
        await first.close();
        // A client that leaves its deleted slices queued (as fsck's own does): the test drains them.
        const vol = await another({ deleteObjects: false });
        await buildTree(vol, '/t', { files: 20 });
        const engineOf = vol.meta.engine;
        const queued = async () => engineOf.pendingSlices(10_000);
        await vol.rm('/t', { recursive: true });
        const pending = await queued();
        assert.ok(pending.length >= 20, `slices queued for deletion: ${pending.length}`);
        const turns: Array<Promise<void>> = [];
        // Before the first page of live slices, i.e. after the queue was read: drain the queue.
        const hooked = interleaved(engineOf, async () => engineOf.finishPendingSlices(pending.map((p) => p.id)), turns, new Set(['scanSlices']));
        const report = await fsck(hooked);
        await Promise.all(turns);
        assert.deepEqual(await queued(), [], 'the queue drained during the check');
        assert.deepEqual(report.problems, []);
        assert.deepEqual((await fsck(engineOf)).problems, [], 'and a second check agrees');
      });
    });
  });
}

// Without a snapshot (Redis lists the ids of a table once per pass) a small file another client
// commits between fsck's listing of slices and its listing of inline data has data but, as far as
// the pass knows, no slice.
for (const engine of testEngines()) {
  describe(`fsck while another client writes small files [${engine.name}]`, () => {
    it('inline data of a slice committed during the slice scan is not reported as an orphan; a real orphan still is', async () => {
      await withEngineVolume(engine, async ({ vol, another }) => {
        await buildTree(vol, '/t', { files: 5, fileSize: 100 });
        const writer = await another();
        let lines = 0;
        const append = () => writer.appendFile('/log', `line ${lines++}\n`);
        await append();
        const turns: Array<Promise<void>> = [];
        const hooked = interleaved(vol.meta.engine, append, turns, new Set(['scanSliceData']));
        const report = await fsck(hooked);
        await Promise.all(turns);
        assert.equal(lines, 2, 'the writer appended after the slices were listed');
        assert.deepEqual(report.problems, []);
        // A row of inline data with no slice: reported, on every engine.
        const orphan = 1_000_000 as never;
        await vol.meta.engine.txn(async (tx) => tx.putSliceData(orphan, Buffer.from('lost')));
        const found = await fsck(vol.meta.engine);
        assert.deepEqual(found.problems.map((p) => [p.kind, p.detail]), [['inline-orphan', 'inline data of 4 bytes for slice 1000000, which has no record']]);
        assert.equal((await writer.readFile('/log')).toString(), 'line 0\nline 1\n');
      });
    });
  });
}

// The command line, against a writer in this process (engines many processes share).
for (const engine of testEngines().filter((e) => e.name !== 'mem')) {
  describe(`slicefs fsck --repair on a live volume [${engine.name}]`, () => {
    it('runs while another client writes; the writer loses nothing and a second fsck is clean', async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl, another }) => {
        await buildTree(vol, '/old', { files: 60 });
        const old = await describeTree(vol, '/old');
        await damage(vol);
        const writer = await another();
        await writer.mkdir('/new');
        const work = writerOf(writer);
        const child = spawn(process.execPath, [BIN, 'fsck', metaUrl, '--repair'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        let exited = false;
        const done = new Promise<number | null>((resolve) => child.on('close', (code) => ((exited = true), resolve(code))));
        do await work.step();
        while (!exited);
        const code = await done;
        if (engine.name === 'redis') {
          assert.notEqual(code, 0);
          assert.match(out, /Device or resource busy.*--force/s, 'refuses while another client is connected');
          await writer.close();
          await vol.close();
          const fixed = slicefs(['fsck', metaUrl, '--repair']);
          assert.equal(fixed.code, 0, fixed.out + fixed.err);
          const again = await another();
          await work.verify(again);
          assert.deepEqual(await describeTree(again, '/old'), old);
          assert.deepEqual((await fsck(again.meta.engine)).problems, []);
          return;
        }
        assert.equal(code, 0, out);
        assert.match(out, /\[repaired\]/);
        await work.verify(vol);
        assert.deepEqual(await describeTree(vol, '/old'), old, 'the old files intact');
        assert.deepEqual((await fsck(vol.meta.engine)).problems, [], 'a second fsck finds nothing');
      });
    });
  });
}
