import assert from 'node:assert/strict';
import type { Ino, SessionId } from '../../src/meta/types.js';
import { checkVolume, collectGarbage } from '../../src/sdk/index.js';
import { randInt, seededRandom } from '../support/random.js';
import { buildTree } from '../support/tree.js';
import { startScript } from './children.js';
import { assertStoreExact } from './checks.js';
import type { CrashVolume } from './crash-volume.js';
import type { DoomedClientArgs } from './doomed-client.js';
import { Survivor } from './survivor.js';

/** The dead client's session lifetime: short, so the test need not wait a minute. */
const TTL_MS = 2000;

/** What one round of kill-a-client-while-another-works saw. */
export interface ClientRound {
  /** Files the dead client made durable before it died (all read back intact). */
  durable: number;
  /** Detached clone trees and unlinked open files it left, removed by the survivor's gc. */
  detachedTrees: number;
  detachedInodes: number;
  sustainedInodes: number;
  /** Objects it uploaded and never committed, removed by gc once older than the kill. */
  leakedObjects: number;
  /** Operations the survivor made during the round, none failed. */
  survivorOps: number;
  /** Milliseconds from the kill to the session's expiry. */
  expiryMs: number;
}

/**
 * On a shared engine, a client process is killed (-9) while it writes, holds unlinked files
 * open and clones a tree in batches; another client (this process) keeps creating, writing,
 * reading, renaming and deleting all along, and must never see an error. Once the dead session
 * expires, the survivor's own collectGarbage removes what the dead client left; then fsck is
 * clean, every file either client made durable reads back intact and no object leaked.
 */
export async function clientKillWhileAnotherWorks(
  cv: CrashVolume,
  options: { rounds: number; scale: number; seed: number; log?: (round: ClientRound) => void },
): Promise<ClientRound[]> {
  const { vol } = cv;
  await buildTree(vol, '/seed', { files: 50, fileSize: 1000 });
  await vol.mkdir('/tree');
  for (let i = 0; i < Math.round(8 * options.scale); i++) await vol.clone('/seed', `/tree/c${i}`);
  const durable: Array<{ file: string; length: number }> = [];
  const rounds: ClientRound[] = [];
  let survivor: Survivor | undefined;
  try {
    for (let r = 0; r < options.rounds; r++) {
      const rand = seededRandom(options.seed + r);
      survivor = new Survivor(vol, { dir: `/survivor${r}`, seed: options.seed * 100 + r, maxSize: 200_000, others: () => durable });
      survivor.start();
      const dir = `/doomed${r}`;
      await vol.mkdir(dir);
      const args: DoomedClientArgs = {
        metaUrl: cv.metaUrl, sessionTtlMs: TTL_MS, dir, held: 3, heldSize: 100_000 + r, cloneSrc: '/tree', maxSize: Math.round(1_500_000 * options.scale), seed: r,
      };
      const doomed = startScript('doomed-client.ts', args);
      await doomed.until('its unlinked files', (ev) => ev.filter((e) => e.held).length === args.held);
      const session = doomed.events.find((e) => e.session)!.session as SessionId;
      const deadline = Date.now() + 60_000;
      while (!(await vol.meta.engine.listDetached()).some((d) => d.session === session)) {
        assert.ok(Date.now() < deadline, `the doomed client never started a clone: ${doomed.stderr()}`);
        await new Promise((res) => setTimeout(res, 5));
      }
      await doomed.until('durable files', (ev) => ev.filter((e) => e.written).length >= Math.round(3 * options.scale));
      await new Promise((res) => setTimeout(res, randInt(rand, 300)));
      assert.equal((await doomed.kill()).signal, 'SIGKILL');
      const killedAt = Date.now();
      for (const e of doomed.events) if (e.written) durable.push({ file: e.written as string, length: e.length as number });
      assert.ok(!doomed.events.some((e) => e.error), `the doomed client failed before its kill: ${JSON.stringify(doomed.events.find((e) => e.error))}`);

      // What it left: unlinked files it kept open, and a clone under way.
      const held = doomed.events.filter((e) => e.held).map((e) => e.ino as Ino);
      for (const ino of held) assert.equal((await vol.meta.getattr(ino)).nlink, 0);
      const detached = (await vol.meta.engine.listDetached()).filter((d) => d.session === session);
      assert.equal(detached.length, 1, 'a clone was under way when it died');

      // Its session expires (no heartbeat) while the survivor keeps working; then the survivor's gc.
      const record = (await vol.meta.engine.listSessions()).find((s) => s.id === session);
      assert.ok(record, 'the dead client’s session is registered until it expires');
      while (Date.now() <= record.expires) await new Promise((res) => setTimeout(res, record.expires - Date.now() + 20));
      const expiryMs = Date.now() - killedAt;
      const gc = await collectGarbage(vol, { delete: true });
      assert.equal(gc.metadata.expiredSessions, 1, 'gc finds the dead session expired');
      assert.equal(gc.metadata.sustainedInodes, held.length, 'and deletes the unlinked files it kept');
      assert.deepEqual([gc.metadata.detachedTrees.found, gc.metadata.detachedTrees.removed], [1, 1], 'and removes its detached clone tree');
      for (const ino of held) await assert.rejects(vol.meta.getattr(ino), { code: 'ENOENT' });
      assert.ok(!(await vol.meta.engine.listSessions()).some((s) => s.id === session));
      assert.deepEqual((await vol.meta.engine.listDetached()).filter((d) => d.session === session), []);
      // Objects it uploaded and never committed: older than the kill, so no upload of the survivor's.
      const leaked = await collectGarbage(vol, { delete: true, thresholdMs: Date.now() - killedAt });
      assert.equal(leaked.objects.leaked.deleted, leaked.objects.leaked.objects);

      await new Promise((res) => setTimeout(res, 200));
      await survivor.stop();
      const kept = await survivor.verifyAll();
      assert.deepEqual(survivor.errors, [], 'the survivor never saw an error');
      assert.ok(survivor.ops > 20 && kept > 0, `the survivor worked all along (${survivor.ops} operations)`);
      for (const { file, length } of durable) assert.equal((await vol.stat(file)).size, length, `${file}: made durable by the dead client`);

      await vol.settle();
      const fsck = await checkVolume(vol, { checkObjects: true });
      assert.deepEqual(fsck.problems.map((p) => `${p.kind}: ${p.detail}`), [], `fsck after round ${r}`);
      const report = await collectGarbage(vol, { thresholdMs: 0 });
      assert.deepEqual(
        [report.objects.leaked.objects, report.metadata.detachedTrees.found, report.metadata.unreferencedSlices.found, report.metadata.expiredSessions],
        [0, 0, 0, 0],
        'nothing left for gc',
      );
      await assertStoreExact(vol, cv.storageDir, `after round ${r}`);
      const round: ClientRound = {
        durable: doomed.events.filter((e) => e.written).length,
        detachedTrees: gc.metadata.detachedTrees.removed,
        detachedInodes: gc.metadata.detachedTrees.inodes,
        sustainedInodes: gc.metadata.sustainedInodes,
        leakedObjects: leaked.objects.leaked.deleted,
        survivorOps: survivor.ops,
        expiryMs,
      };
      rounds.push(round);
      options.log?.(round);
    }
  } finally {
    // Stopped here too: after a failed check its loop would keep the test running and hide the failure.
    await survivor?.stop();
  }
  return rounds;
}
