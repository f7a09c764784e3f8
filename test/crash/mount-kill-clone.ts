import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { randInt, seededRandom } from '../support/random.js';
import { buildTree, describeTree } from '../support/tree.js';
import type { MountedVolume } from '../fuse/support/mounted-volume.js';
import { startChild } from './children.js';
import { assertFsckClean, assertStoreExact, expireSession, gcCli, storeContents } from './checks.js';
import type { CrashVolume } from './crash-volume.js';
import { type RoundLog, killMount } from './kill-mount.js';

/** What one round of clone-then-crash saw. */
export interface CloneRound extends RoundLog {
  /** Inodes of the source tree. */
  treeInodes: number;
  /** Inodes the clone had built when the mount died (removed by gc). */
  partialInodes: number;
  /** How the clone CLI ended. */
  cli: string;
}

/**
 * kill -9 of the mount process while `slicefs clone MNT/src MNT/dstN --batch-size 1` has it
 * clone a large tree through .control; after umount --force and a new mount: nothing of the
 * destination is visible, the detached tree is spared by a plain gc (its session has not
 * expired) and removed by gc --delete --threshold 0, the counters are back to before the
 * clone, no object was added, fsck is clean, the source is unchanged.
 */
export async function mountKillWhileCloning(
  cv: CrashVolume,
  options: { rounds: number; scale: number; seed: number; realExpiry: boolean; log?: (round: CloneRound) => void },
): Promise<CloneRound[]> {
  const { vol } = cv;
  // A tree of ~55 inodes, cloned (metadata only, quickly) into many subtrees of /src.
  await buildTree(vol, '/seed', { files: 50, fileSize: 2000 });
  const copies = Math.round(30 * options.scale);
  await vol.mkdir('/src');
  for (let i = 0; i < copies; i++) await vol.clone('/seed', `/src/c${i}`);
  const srcListing = await describeTree(vol, '/src');
  const treeInodes = (await vol.summary('/src')).files + (await vol.summary('/src')).dirs;
  await vol.settle();

  const rounds: CloneRound[] = [];
  let mount: MountedVolume = await cv.mount();
  for (let r = 0; r < options.rounds; r++) {
    const rand = seededRandom(options.seed + r);
    const dst = `dst${r}`;
    const before = await vol.statfs();
    const objects = storeContents(cv.storageDir).keys.length;
    const cli = startChild(process.execPath, [path.resolve('bin/slicefs.js'), 'clone', `${cv.mnt}/src`, `${cv.mnt}/${dst}`, '--batch-size', '1']);
    const deadline = Date.now() + 30_000;
    while (!(await vol.meta.engine.listDetached()).length) {
      assert.ok(Date.now() < deadline, `the clone did not start: ${cli.stderr()}`);
      await new Promise((res) => setTimeout(res, 5));
    }
    await new Promise((res) => setTimeout(res, 50 + randInt(rand, 500)));
    const crash = await killMount(cv, mount, [cli]);
    mount = crash.remounted;
    const ended = await cli.exited;
    if (ended.signal === null) {
      assert.notEqual(ended.code, 0, 'the clone CLI fails');
      assert.match(cli.stderr(), /^slicefs: clone: \S+ -> \S+: (Software caused connection abort|Transport endpoint is not connected) \(the mount process of /m, 'the clone CLI says what failed');
    }

    // Nothing of the destination is visible; its tree waits, detached, under the dead session.
    assert.ok(!readdirSync(cv.mnt).includes(dst), `${dst} is not listed`);
    assert.equal(await vol.exists(`/${dst}`), false);
    const detached = await vol.meta.engine.listDetached();
    assert.deepEqual(detached.map((d) => d.session), [crash.session.id], 'one detached tree, of the dead mount’s session: the clone was under way');
    const spared = gcCli(cv.metaUrl, []);
    assert.equal(spared.metadata.detachedTrees.found, 0, 'a plain gc spares it: its session has not expired and it is young');
    const removed = gcCli(cv.metaUrl, ['--delete', '--threshold', '0']);
    assert.deepEqual([removed.metadata.detachedTrees.found, removed.metadata.detachedTrees.removed], [1, 1]);
    const partialInodes = removed.metadata.detachedTrees.inodes;
    assert.ok(partialInodes > 0 && partialInodes < treeInodes, `the clone was cut short: ${partialInodes} of ${treeInodes} inodes`);
    assert.deepEqual(await vol.meta.engine.listDetached(), []);
    assert.deepEqual(await vol.statfs(), before, 'counters back to before the clone');
    assert.equal(gcCli(cv.metaUrl, ['--threshold', '0']).objects.leaked.objects, 0, 'no leaked object');
    assertFsckClean(cv.metaUrl, `after clone crash ${r}`);
    const store = await assertStoreExact(vol, cv.storageDir, `after clone crash ${r}`);
    assert.equal(store.objects, objects, 'a clone adds no object');
    assert.deepEqual(await describeTree(vol, '/src'), srcListing, 'the source is unchanged');

    await expireSession(vol, crash.session, options.realExpiry);
    const late = gcCli(cv.metaUrl, ['--delete']);
    assert.deepEqual([late.metadata.expiredSessions, late.metadata.sustainedInodes, late.metadata.detachedTrees.found], [1, 0, 0]);
    assertFsckClean(cv.metaUrl, `after the dead session of clone crash ${r} expired`);

    const round: CloneRound = { ...crash.log, treeInodes, partialInodes, cli: ended.signal ?? `exit ${ended.code}: ${cli.stderr().trim().split('\n').at(-1)}` };
    rounds.push(round);
    options.log?.(round);
  }
  return rounds;
}
