// Crash survival (issue 7, items 3 and 4): kill -9 of a mount process while it writes and
// while it clones, kill -9 of a client process on a shared engine while another keeps working,
// and object-store faults under a mount. Scenarios live in test/crash/; docs/reliability.md says what each checks.
// CI runs one crash of each; SLICEFS_CRASH_ROUNDS=20 SLICEFS_CRASH_SCALE=4 run longer by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { clientKillWhileAnotherWorks } from './crash/client-kill.js';
import { withCrashVolume } from './crash/crash-volume.js';
import { FAULTS_QUERY, faultsUnderAMount } from './crash/faults-mount.js';
import { mountKillWhileCloning } from './crash/mount-kill-clone.js';
import { mountKillWhileWriting } from './crash/mount-kill-writes.js';
import { crashRounds, crashScale, realExpiry } from './crash/scale.js';

const rounds = crashRounds();
const scale = crashScale();
const log = (what: string) => (r: unknown) => console.log(`# ${what}: ${JSON.stringify(r)}`);

// The mount scenarios run on SQLite (each mount is one process whatever the engine);
// SLICEFS_TEST_ENGINES=redis picks another.
const mountEngines = testEngines().filter((e) => e.name !== 'mem' && (process.env.SLICEFS_TEST_ENGINES ? true : e.name === 'sqlite3'));

describe('crash survival', () => {
  for (const engine of mountEngines) {
    it(`[${engine.name}] kill -9 of the mount while it streams writes: fsynced files intact, nothing leaked, counters exact (${rounds} crash(es))`, async () => {
      await withCrashVolume(engine, async (cv) => {
        const done = await mountKillWhileWriting(cv, { rounds, scale, seed: 7, realExpiry: realExpiry(), log: log(`${engine.name} writes crash`) });
        assert.equal(done.length, rounds);
      });
    });

    it(`[${engine.name}] kill -9 of the mount while it clones a large tree: nothing visible, gc removes the detached tree, counters back (${rounds} crash(es))`, async () => {
      await withCrashVolume(engine, async (cv) => {
        const done = await mountKillWhileCloning(cv, { rounds, scale, seed: 11, realExpiry: realExpiry(), log: log(`${engine.name} clone crash`) });
        assert.equal(done.length, rounds);
      });
    });
  }

  // Engines many processes can share (the memory engine lives inside one process).
  for (const engine of testEngines().filter((e) => e.name !== 'mem')) {
    it(`[${engine.name}] a client killed -9 while another works: the survivor sees no error, its gc removes what the dead one left (${rounds} crash(es))`, async () => {
      await withCrashVolume(engine, async (cv) => {
        const done = await clientKillWhileAnotherWorks(cv, { rounds, scale, seed: 5, log: log(`${engine.name} client crash`) });
        assert.equal(done.length, rounds);
      });
    });
  }
});

describe('object store faults under a mount', () => {
  it('dd, cat, cp and node see EIO for writes that could not be stored and reads of bad objects, never wrong data; transient faults are invisible', async () => {
    const [sqlite] = testEngines().filter((e) => e.name === 'sqlite3');
    assert.ok(sqlite, 'the faults scenario runs on SQLite');
    await withCrashVolume(sqlite, async (cv) => log('faults under a mount')(await faultsUnderAMount(cv)), { blockSize: '256K', storageQuery: FAULTS_QUERY });
  });
});
