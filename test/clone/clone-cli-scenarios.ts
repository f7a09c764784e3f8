import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type TestEngine, testEngines } from '../../src/meta/testing/test-engines.js';
import type { Volume } from '../../src/sdk/index.js';
import { slicefs } from '../support/cli.js';
import { type RunningClone, startClone } from '../support/clone-process.js';
import { type EngineVolume, withEngineVolume } from '../support/engine-volume.js';
import { buildTree, countObjects, describeTree, recordedBlockKeys } from '../support/tree.js';

export const NOBODY = { uid: 65534, gid: 65534, gids: [], umask: 0o022 };

/** What a test gets: the volume as `who` sees it, and the CLI run as `who`. */
interface UserVolume extends EngineVolume {
  cli(args: string[]): ReturnType<typeof slicefs>;
  start(args: string[]): RunningClone;
}

/**
 * A fresh volume used by root, or by a non-root user (nobody) who owns its root directory and
 * may write its SQLite database and object directory (as it must, to use `--meta`).
 */
async function withUserVolume(engine: TestEngine, who: 'root' | 'nobody', fn: (v: UserVolume) => Promise<void>): Promise<void> {
  await withEngineVolume(engine, async (v) => {
    if (who === 'root') return fn({ ...v, cli: (args) => slicefs(args), start: (args) => startClone(args) });
    const uid = NOBODY.uid;
    const files = [path.dirname(v.storageDir)];
    if (v.metaUrl.startsWith('sqlite3://')) files.push(path.dirname(v.metaUrl.slice('sqlite3://'.length)));
    for (const f of files) assert.equal(spawnSync('chown', ['-R', `${uid}:${uid}`, f]).status, 0);
    await v.vol.chown('/', uid, uid);
    const vol: Volume = await v.another({ caller: NOBODY });
    await fn({ ...v, vol, cli: (args) => slicefs(args, { uid }), start: (args) => startClone(args, { uid }) });
  });
}

/**
 * The CLI's clone scenarios (with --meta, across processes) on every engine many processes can
 * share (the memory engine lives inside one process), run by root or by a non-root user.
 */
export function cloneCliScenarios(who: 'root' | 'nobody', options: { engines?: readonly string[] } = {}): void {
  const wanted = (e: TestEngine) => e.name !== 'mem' && (!options.engines || options.engines.includes(e.name));
  for (const engine of testEngines().filter(wanted)) {
    describe(`clone across processes and the CLI [${engine.name}, as ${who}]`, () => {
      it('clone, info, summary, status, gc and fsck from the command line', async () => {
        await withUserVolume(engine, who, async ({ vol, metaUrl, cli: slicefs }) => {
          const built = await buildTree(vol, '/src');
          const c = slicefs(['clone', '--meta', metaUrl, '/src', '/dst', '--preserve']);
          assert.equal(c.code, 0, c.err);
          assert.equal(c.err, '', 'no progress bar when not on a terminal');
          assert.deepEqual(await describeTree(vol, '/dst'), await describeTree(vol, '/src'));
          const info = JSON.parse(slicefs(['info', '--meta', metaUrl, '/dst', '--json']).out);
          assert.equal(info.size, built.bytes);
          assert.equal(info.sharedBytes, built.bytes, 'everything is shared with the source');
          assert.equal(info.exclusiveBytes, 0);
          const summary = JSON.parse(slicefs(['summary', '--meta', metaUrl, '/dst', '--json']).out);
          assert.deepEqual([summary.size, summary.files + summary.dirs], [built.bytes, built.inodes]);
          await vol.rm('/src', { recursive: true });
          const after = JSON.parse(slicefs(['info', '--meta', metaUrl, '/dst', '--json']).out);
          assert.deepEqual([after.sharedBytes, after.exclusiveBytes], [0, built.bytes], 'deleting the source makes the bytes exclusive');
          const exists = slicefs(['clone', '--meta', metaUrl, '/dst', '/dst/inside']);
          assert.equal(exists.err, `slicefs: clone: /dst -> /dst/inside: Invalid argument (destination is inside the source)\n`);
          const missing = slicefs(['clone', '--meta', metaUrl, '/nothing', '/x']);
          assert.match(missing.err, /^slicefs: clone: \/nothing -> \/x: No such file or directory/);
          const status = JSON.parse(slicefs(['status', metaUrl, '--json']).out);
          assert.equal(status.detachedTrees, 0);
          assert.equal(status.logical.usedBytes, built.bytes);
          const f = slicefs(['fsck', metaUrl]);
          assert.equal(f.code, 0, f.out + f.err);
          assert.match(f.out, /no problems/);
          const g = slicefs(['gc', metaUrl]);
          assert.equal(g.code, 0, g.err);
          assert.match(g.out, /detached trees: +0: 0 under way .*, 0 abandoned/);
        });
      });

      it('one winner: two processes cloning to the same destination at once (repeated)', async () => {
        await withUserVolume(engine, who, async ({ vol, metaUrl, cli: slicefs, start }) => {
          await buildTree(vol, '/src', { files: 30, fileSize: 100 });
          const expected = await describeTree(vol, '/src');
          for (let round = 0; round < 4; round++) {
            const [a, b] = [start(['clone', '--meta', metaUrl, '/src', '/dst', '--batch-size', '7']), start(['clone', '--meta', metaUrl, '/src', '/dst', '--batch-size', '7'])];
            const results = await Promise.all([a.done, b.done]);
            const winners = results.filter((r) => r.code === 0);
            assert.equal(winners.length, 1, `round ${round}: ${results.map((r) => r.err).join(' | ')}`);
            assert.match(results.find((r) => r.code !== 0)!.err, /File exists/);
            assert.deepEqual(await describeTree(vol, '/dst'), expected);
            assert.deepEqual(await vol.meta.engine.listDetached(), [], 'the loser removed its tree');
            await vol.rm('/dst', { recursive: true });
          }
          const f = slicefs(['fsck', metaUrl]);
          assert.equal(f.code, 0, f.out);
        });
      });

      it('a clone process killed with SIGKILL leaves a detached tree that gc --delete removes; fsck is then clean', async () => {
        await withUserVolume(engine, who, async ({ vol, metaUrl, storageDir, cli: slicefs, start }) => {
          await buildTree(vol, '/src', { files: 1500, fileSize: 10 });
          const before = await vol.statfs();
          const run = start(['clone', '--meta', metaUrl, '/src', '/dst', '--batch-size', '10', '--progress']);
          await run.firstProgress;
          run.child.kill('SIGKILL');
          const result = await run.done;
          assert.equal(result.signal, 'SIGKILL', 'killed mid-clone, not finished');
          assert.equal(await vol.exists('/dst'), false, 'nothing visible');
          assert.equal((await vol.meta.engine.listDetached()).length, 1);
          const spared = slicefs(['gc', metaUrl]);
          assert.match(spared.out, /detached trees: +1: 1 under way \(session alive, younger than 24h\), 0 abandoned/, "the dead client's session has not expired yet: its tree is spared");
          const said = slicefs(['status', metaUrl]);
          assert.match(said.out, /1 detached trees: 1 under way \(session alive, younger than 24h\), 0 abandoned/, 'status says what gc says');
          const report = slicefs(['gc', metaUrl, '--threshold', '0']);
          assert.match(report.out, /detached trees: +1: 0 under way .*, 1 abandoned/);
          const g = slicefs(['gc', metaUrl, '--delete', '--threshold', '0']);
          assert.equal(g.code, 0, g.err);
          assert.match(g.out, /detached trees: +1: 0 under way .*, 1 abandoned .*, 1 removed/);
          assert.deepEqual(await vol.meta.engine.listDetached(), []);
          assert.deepEqual(await vol.statfs(), before);
          const f = slicefs(['fsck', metaUrl, '--check-objects']);
          assert.equal(f.code, 0, f.out);
          assert.equal(countObjects(storageDir), (await recordedBlockKeys(vol)).length, 'the store holds exactly what the files reference');
        });
      });

      it('Ctrl-C (SIGINT) cancels a clone and removes everything it built', async () => {
        await withUserVolume(engine, who, async ({ vol, metaUrl, start }) => {
          await buildTree(vol, '/src', { files: 1500, fileSize: 10 });
          const before = await vol.statfs();
          const run = start(['clone', '--meta', metaUrl, '/src', '/dst', '--batch-size', '10', '--progress']);
          await run.firstProgress;
          run.child.kill('SIGINT');
          const result = await run.done;
          assert.notEqual(result.code, 0);
          const lines = result.err.split('\n').filter((l) => !l.startsWith('cloning: '));
          assert.deepEqual(lines, ['slicefs: clone: /src -> /dst: Interrupted system call (interrupted; the partial copy was removed)', '']);
          assert.equal(await vol.exists('/dst'), false);
          assert.deepEqual(await vol.meta.engine.listDetached(), []);
          assert.deepEqual(await vol.statfs(), before);
        });
      });

      if (who === 'root') it('fsck finds and repairs broken reference counts, link counts and counters', async () => {
        await withEngineVolume(engine, async ({ vol, metaUrl }) => {
          await buildTree(vol, '/src', { files: 5 });
          await vol.clone('/src', '/dst');
          const f0 = (await vol.stat('/src/f0')).ino;
          const chunk = await vol.meta.readChunk(f0 as never, 0);
          await vol.meta.engine.txn(async (tx) => {
            await tx.addSliceRefs([chunk[0]!.id, chunk[0]!.id]);
            const a = (await tx.getInode(f0 as never))!;
            await tx.putInode({ ...a, nlink: 5 });
            await tx.addCounter('inodes', 3);
          });
          const bad = slicefs(['fsck', metaUrl]);
          assert.equal(bad.code, 1);
          assert.match(bad.out, /slice-refs: slice \d+ counts 4 references, chunk records hold 2/);
          assert.match(bad.out, /nlink: inode \d+ has nlink 5, expected 1/);
          assert.match(bad.out, /counter: counter inodes/);
          // This test's own client stays connected: Redis (no snapshot) repairs only with --force.
          const fixed = slicefs(['fsck', metaUrl, '--repair', '--force']);
          assert.equal(fixed.code, 0, fixed.out);
          const clean = slicefs(['fsck', metaUrl]);
          assert.equal(clean.code, 0, clean.out);
        });
      });
    });
  }
}

