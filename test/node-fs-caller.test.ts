// Issue 14 item 5, as a caller who is not root: every scenario of node-fs/caller-scenarios.ts runs
// against node:fs/promises in a child process under `setpriv` as uid/gid 65534 (no groups), and
// against a Volume opened with that caller identity, each on a fixture root made; what each call
// returned or threw, and the tree it left (seen by root), must be equal value by value.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { withEngineVolume } from './support/engine-volume.js';
import { CALLER_SCENARIOS, callerFixture, NOBODY } from './node-fs/caller-scenarios.js';
import { type FsPromises, makeFixture, snapshot } from './node-fs/fixture.js';
import { normalise } from './node-fs/normalise.js';

interface Outcome { result: unknown; tree: string[] }

/** Runs the tasks, a few at a time (each scenario has a base directory of its own). */
async function inParallel(tasks: (() => Promise<void>)[], width = 8): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  }));
}
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
const nodeBase = path.join(tmpdir(), `slicefs-node-fs-caller-${process.pid}`);
const expected: Outcome[] = [];

async function fixture(fs: FsPromises, dir: string): Promise<(rel: string) => string> {
  const p = (rel: string) => (rel ? `${dir}/${rel}` : dir);
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  await makeFixture(fs, p);
  await callerFixture(fs, p);
  return p;
}

describe('the SDK against node:fs/promises as a caller who is not root (uid 65534)', () => {
  before(async () => {
    const made = await Promise.all(CALLER_SCENARIOS.map((_, i) => fixture(nodeFs, `${nodeBase}/s${i}`)));
    await nodeFs.chmod(nodeBase, 0o755);
    const child = spawnSync(
      'setpriv',
      [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', process.execPath, '--import', 'tsx', 'test/node-fs/run-as-caller.ts', nodeBase],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(child.status, 0, `the caller's child failed: ${child.stderr}`);
    const results = JSON.parse(child.stdout) as unknown[];
    for (const [i, p] of made.entries()) {
      const rebase = (s: string) => s.split(`${nodeBase}/s${i}`).join('<base>');
      expected.push({ result: plain(results[i]), tree: await snapshot(nodeFs, p, rebase) });
    }
  });
  after(() => nodeFs.rm(nodeBase, { recursive: true, force: true }));

  it('has a few dozen distinct scenarios, and Node refuses most of them (the fixture does what it should)', () => {
    assert.equal(new Set(CALLER_SCENARIOS.map((s) => s.name)).size, CALLER_SCENARIOS.length);
    assert.ok(CALLER_SCENARIOS.length >= 30, `${CALLER_SCENARIOS.length} scenarios`);
    const refused = expected.filter((o) => /"error":"(EACCES|EPERM)"/.test(JSON.stringify(o.result))).length;
    assert.ok(refused >= 20, `Node refused ${refused} scenarios: is the child really running as 65534?`);
  });

  for (const engine of testEngines()) {
    // As node-fs.test.ts: every scenario on the embedded engines, every fourth on the servers (SLICEFS_NODE_FS_ALL=1: all).
    const every = ['mem', 'sqlite3'].includes(engine.name) || process.env.SLICEFS_NODE_FS_ALL === '1' ? 1 : 4;
    const chosen = [...CALLER_SCENARIOS.entries()].filter(([i]) => i % every === 0);
    it(`${engine.name}: ${every === 1 ? 'every scenario' : `every ${every}th scenario (${chosen.length})`} returns, throws and leaves what Node does`, async () => {
      await withEngineVolume(engine, async ({ vol, another }) => {
        const nobody = await another({ caller: { ...NOBODY, gids: [], umask: 0o022 } });
        const differences: string[] = [];
        await inParallel(chosen.map(([i, s]) => async () => {
          const dir = `/s${i}`;
          const rebase = (text: string) => text.split(dir).join('<base>');
          const p = await fixture(vol as unknown as FsPromises, dir);
          let result: unknown;
          try {
            result = { value: normalise(await s.run(nobody as unknown as FsPromises, p), rebase) };
          } catch (err) {
            result = { threw: normalise(err, rebase) };
          }
          const got: Outcome = { result: plain(result), tree: await snapshot(vol as unknown as FsPromises, p, rebase) };
          const want = expected[i]!;
          const lines: string[] = [];
          if (!isDeepStrictEqual(got.result, want.result)) lines.push(`  node:   ${JSON.stringify(want.result)}`, `  volume: ${JSON.stringify(got.result)}`);
          if (!isDeepStrictEqual(got.tree, want.tree)) {
            lines.push(`  tree, node only:   ${JSON.stringify(want.tree.filter((l) => !got.tree.includes(l)))}`);
            lines.push(`  tree, volume only: ${JSON.stringify(got.tree.filter((l) => !want.tree.includes(l)))}`);
          }
          if (lines.length) differences.push([s.name, ...lines].join('\n'));
        }));
        assert.equal(differences.length, 0, `${differences.length} of ${chosen.length} differ:\n${differences.join('\n')}`);
      });
    });
  }
});
