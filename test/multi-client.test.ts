// Many client processes on one volume at once (issue 4, items 4 and 5): each scenario races
// worker processes (test/multi-client/worker.ts) on a fresh volume with a shared file:// store,
// then checks what every process saw, fsck, the counters and the store.
// SLICEFS_RACE_SCALE=10 runs longer races by hand.
import { after, before, describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { SCENARIOS } from './multi-client/scenarios/index.js';
import { WorkerPool } from './multi-client/worker-pool.js';

describe('many clients at once', () => {
  let pool: WorkerPool;
  before(() => {
    pool = new WorkerPool(Math.max(...SCENARIOS.map((s) => s.clients)));
  });
  after(() => pool.stop());

  // Engines many processes can share (the memory engine lives inside one process).
  for (const engine of testEngines().filter((e) => e.name !== 'mem')) {
    describe(`[${engine.name}]`, () => {
      for (const scenario of SCENARIOS) it(scenario.title, () => pool.run(engine, scenario));
    });
  }
});
