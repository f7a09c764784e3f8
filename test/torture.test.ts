import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatTempVolume, MountedVolume } from './fuse/support/mounted-volume.js';
import { SyscallHelper } from './posix/syscall-helper.js';
import { type CloneMethod, mountCloneMethod } from './torture/clone-method.js';
import { appendRace } from './torture/append-race.js';
import { exercise } from './torture/exerciser.js';
import { regressions } from './torture/regressions.js';

// The randomized exerciser (test/torture/README.md), bounded for CI: a few fixed seeds on a
// fresh mount, each step compared with the same operations on local disk. Long runs:
// `npm run torture -- --ops 20000 --seed S` (docs/reliability.md).
const OPS = 1500;
const SEEDS = [1, 2];

it('the exerciser has no fallback: where `slicefs clone` fails, its clone method fails', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-torture-noclone-'));
  try {
    await assert.rejects(mountCloneMethod(dir), /slicefs clone/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('randomized exerciser: a slicefs mount against local disk', () => {
  const volume = formatTempVolume();
  const refDir = mkdtempSync(path.join(tmpdir(), 'slicefs-torture-ref-'));
  const helper = SyscallHelper.start();
  let mount: MountedVolume | undefined;
  let clone: CloneMethod;
  before(async () => {
    mount = await MountedVolume.start(volume.metaUrl);
    clone = await mountCloneMethod(mount.mnt);
  });
  after(async () => {
    await helper.close();
    await mount?.stop();
    volume.remove();
    rmSync(refDir, { recursive: true, force: true });
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: ${OPS} mixed operations, sizes and bytes equal after every step`, async () => {
      const log: string[] = [];
      const r = await exercise({ dir: mount!.mnt, refDir, seed, ops: OPS, helper, clone, shrinkSeconds: 20, log: (l) => log.push(l) });
      assert.equal(r.divergence, undefined, log.join('\n')); // the seed, shortest prefix and list
      assert.equal(r.steps, OPS);
      assert.ok(Object.keys(r.counts).length >= 10, `the mix ran every kind of operation: ${JSON.stringify(r.counts)}`);
    });
  }

  it('O_APPEND writes while another process keeps reading: every append lands at the end (T3)', async () => {
    const problem = await appendRace({ file: path.join(mount!.mnt, 'append-race'), appends: 1500, seed: 3 });
    assert.equal(problem, undefined);
  });

  for (const { bug, ops } of regressions) {
    it(`replays a list that once failed: ${bug}`, async () => {
      const log: string[] = [];
      const r = await exercise({ dir: mount!.mnt, refDir, seed: 0, ops: ops.length, replay: ops, helper, clone, shrinkSeconds: 0, log: (l) => log.push(l) });
      assert.equal(r.divergence, undefined, log.join('\n'));
      assert.equal(r.steps, ops.length);
    });
  }
});
