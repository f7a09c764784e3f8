import assert from 'node:assert/strict';
import nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { withEngineVolume } from './support/engine-volume.js';
import { type FsPromises, makeFixture, snapshot } from './node-fs/fixture.js';
import { normalise } from './node-fs/normalise.js';
import { SCENARIOS } from './node-fs/scenarios.js';

// Issue 14: every scenario of node-fs/scenarios.ts runs against node:fs/promises on a temp
// directory and against a Volume, from the same fixture; what each call returned or threw, and
// the tree it left, must be equal value by value (paths shown relative to each side's base).

interface Outcome { result: unknown; tree: string[] }

async function outcome(fs: FsPromises, base: string, run: (typeof SCENARIOS)[number]['run']): Promise<Outcome> {
  const p = (rel: string) => (rel ? `${base}/${rel}` : base);
  const rebase = (s: string) => s.split(base).join('<base>');
  await fs.mkdir(base, { recursive: true });
  await makeFixture(fs, p);
  let result: unknown;
  try {
    result = { value: normalise(await run(fs, p), rebase) };
  } catch (err) {
    result = { threw: normalise(err, rebase) };
  }
  return { result, tree: await snapshot(fs, p, rebase) };
}

/** Runs the tasks, a few at a time (each scenario has a base directory of its own). */
async function inParallel(tasks: (() => Promise<void>)[], width = 8): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  }));
}

/** Node's outcome of every scenario, computed once. */
const expected = new Map<string, Outcome>();
const nodeBase = path.join(tmpdir(), `slicefs-node-fs-${process.pid}`);

describe('the SDK against node:fs/promises, scenario by scenario', () => {
  before(async () => {
    await inParallel(SCENARIOS.map((s, i) => async () => void expected.set(s.name, await outcome(nodeFs, `${nodeBase}/s${i}`, s.run))));
  });
  after(() => nodeFs.rm(nodeBase, { recursive: true, force: true }));

  it('has several hundred distinct scenarios', () => {
    assert.equal(new Set(SCENARIOS.map((s) => s.name)).size, SCENARIOS.length, 'scenario names are unique');
    assert.ok(SCENARIOS.length >= 300, `${SCENARIOS.length} scenarios`);
  });

  for (const engine of testEngines()) {
    // The SDK's semantics live above the engines (which have their own conformance suite): every
    // scenario on the embedded engines, every fourth on the servers (SLICEFS_NODE_FS_ALL=1: all).
    const every = ['mem', 'sqlite3'].includes(engine.name) || process.env.SLICEFS_NODE_FS_ALL === '1' ? 1 : 4;
    const chosen = SCENARIOS.filter((_, i) => i % every === 0);
    it(`${engine.name}: ${every === 1 ? 'every scenario' : `every ${every}th scenario (${chosen.length})`} returns, throws and leaves what Node does`, async () => {
      await withEngineVolume(engine, async ({ vol }) => {
        const differences: string[] = [];
        await inParallel(chosen.map((s) => async () => {
          const i = SCENARIOS.indexOf(s);
          const got: Outcome = await outcome(vol as unknown as FsPromises, `/s${i}`, s.run).catch((err: unknown) => ({ result: { harness: String(err) }, tree: [] as string[] }));
          const want = expected.get(s.name)!;
          const lines: string[] = [];
          if (!isDeepStrictEqual(got.result, want.result)) lines.push(`  node:   ${JSON.stringify(want.result)}`, `  volume: ${JSON.stringify(got.result)}`);
          if (!isDeepStrictEqual(got.tree, want.tree)) {
            lines.push(`  tree, node only:   ${JSON.stringify(want.tree.filter((l) => !got.tree.includes(l)))}`);
            lines.push(`  tree, volume only: ${JSON.stringify(got.tree.filter((l) => !want.tree.includes(l)))}`);
          }
          if (s.differs) {
            if (!lines.length) differences.push(`${s.name}\n  is listed as differing (${s.differs}) but now matches Node: drop the note`);
          } else if (lines.length) differences.push([s.name, ...lines].join('\n'));
        }));
        assert.equal(differences.length, 0, `${differences.length} of ${chosen.length} differ:\n${differences.join('\n')}`);
      });
    });
  }
});
