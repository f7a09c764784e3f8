import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Ino } from '../../src/meta/types.js';
import { slicefs } from '../support/cli.js';
import { randInt, seededRandom } from '../support/random.js';
import type { MountedVolume } from '../fuse/support/mounted-volume.js';
import { type Child, startChild, startScript } from './children.js';
import { ageTempFiles, assertFsckClean, assertStoreExact, expireSession, gcCli, storeContents } from './checks.js';
import { fileContent } from './content.js';
import type { CrashVolume } from './crash-volume.js';
import { isMounted } from './crash-volume.js';
import { Ledger } from './ledger.js';
import { type RoundLog, killMount } from './kill-mount.js';
import type { StreamWriterArgs } from './stream-writer.js';

const MiB = 1024 * 1024;

/** What one round of writes-then-crash saw. */
export interface WritesRound extends RoundLog {
  /** Durability points (fsync or close returned, dd conv=fsync exited 0) before the kill. */
  durablePoints: number;
  /** What the writers got once the mount was gone (errno or exit status). */
  writerErrors: string[];
  /** Objects `gc --delete --threshold 0` removed: uploaded by the dead mount, never committed. */
  leakedRemoved: number;
  files: number;
  shortened: number;
  /** Files the store's .tmp/ held after the crash (puts cut short; removed by the next put). */
  temp: number;
}

/**
 * kill -9 of the mount process while two node writers and a dd loop stream files through it
 * (one writer holds an unlinked file open), then what an operator does: umount --force, kill
 * the writers, mount again, gc --delete --threshold 0, fsck --check-objects; then the checks:
 * every byte an fsync or close returned for is there, nothing but what was written, the store
 * holds exactly the recorded slices' blocks, fsck (counters included) is clean, and once the
 * dead session expires gc removes the unlinked file it kept.
 */
export async function mountKillWhileWriting(
  cv: CrashVolume,
  options: { rounds: number; scale: number; seed: number; realExpiry: boolean; log?: (round: WritesRound) => void },
): Promise<WritesRound[]> {
  const ledger = new Ledger();
  const rounds: WritesRound[] = [];
  const maxSize = Math.round(3 * MiB * options.scale);
  let mount: MountedVolume = await cv.mount();
  for (let r = 0; r < options.rounds; r++) {
    const rand = seededRandom(options.seed + r);
    const dir = `r${r}`;
    const heldSize = 300_000 + r;
    const ddSource = `dd-src-${r}`;
    const ddSize = Math.round(2 * MiB * options.scale) + 12_345;
    writeFileSync(path.join(cv.dir, ddSource), fileContent(ddSource, ddSize));
    ledger.expectFamily(dir, 'w0-', { max: maxSize });
    ledger.expectFamily(dir, 'w1-', { max: maxSize });
    ledger.expectFamily(dir, 'dd-', { source: ddSource, max: ddSize });

    const writerArgs = (w: number): StreamWriterArgs => ({
      dir: path.join(cv.mnt, dir), prefix: `w${w}-`, files: 100_000, minSize: 1, maxSize, seed: options.seed * 100 + r * 10 + w,
      ...(w === 0 ? { held: heldSize } : {}),
    });
    const w0 = startScript('stream-writer.ts', writerArgs(0));
    await w0.until('the held file', (ev) => ev.some((e) => e.held !== undefined), 30_000);
    const w1 = startScript('stream-writer.ts', writerArgs(1));
    const dd = startChild('sh', ['-c',
      `for i in $(seq 0 99999); do dd if=${path.join(cv.dir, ddSource)} of=${path.join(cv.mnt, dir)}/dd-$i bs=1M conv=fsync status=none || exit 1; echo "{\\"dd\\":$i}"; done`]);
    const writers: Child[] = [w0, w1, dd];
    const durable = () => w0.events.concat(w1.events).filter((e) => e.synced || e.closed).length + dd.events.length;
    const want = Math.round(4 * options.scale) + randInt(rand, 4);
    await Promise.race([
      Promise.all([w0, w1].map((w) => w.until('a durable file', (ev) => ev.some((e) => e.synced || e.closed), 60_000))),
      ...writers.map((w) => w.exited.then(() => assert.fail(`a writer ended before the crash: ${w.stderr()} ${JSON.stringify(w.events.slice(-3))}`))),
    ]);
    await dd.until('a dd', (ev) => ev.length > 0, 60_000);
    while (durable() < want) await new Promise((res) => setTimeout(res, 10));
    await new Promise((res) => setTimeout(res, randInt(rand, 400)));

    const held = w0.events.find((e) => e.held !== undefined)! as { held: string; ino: Ino; length: number };
    const crash = await killMount(cv, mount, writers);
    mount = crash.remounted;
    // Puts the kill cut short leave temp files; pretend the crash was long ago (see the end of the round).
    const temp = ageTempFiles(cv.storageDir);
    // What the writers were told, and what fsync or close returned for before the kill.
    for (const [w, child] of [[0, w0], [1, w1]] as const) {
      for (const e of child.events) {
        if (e.synced !== undefined) ledger.durable(`${dir}/${e.synced as string}`, e.length as number);
        if (e.closed !== undefined) ledger.durable(`${dir}/${e.closed as string}`, e.length as number, true);
      }
      void w;
    }
    for (const e of dd.events) ledger.durable(`${dir}/dd-${e.dd as number}`, ddSize, true);
    const writerErrors = [w0, w1].map((w) => String(w.events.find((e) => e.error)?.error ?? `no error (${JSON.stringify(w.events.at(-1))})`));
    writerErrors.push(/Transport endpoint is not connected|Software caused connection abort|Input\/output error/.exec(dd.stderr())?.[0] ?? `dd: ${dd.stderr().trim()}`);

    // The unlinked file the dead mount kept open: still there, its session not expired.
    const { vol } = cv;
    const heldAttr = await vol.meta.getattr(held.ino);
    assert.deepEqual([heldAttr.nlink, heldAttr.length], [0, held.length], 'the open unlinked file outlives its mount');

    const removed = gcCli(cv.metaUrl, ['--delete', '--threshold', '0']);
    assert.equal(removed.metadata.expiredSessions, 0, 'the dead mount’s session has not expired yet');
    assert.equal(removed.metadata.detachedTrees.found, 0);
    const after = gcCli(cv.metaUrl, ['--threshold', '0']);
    assert.deepEqual(
      [after.objects.leaked.objects, after.metadata.detachedTrees.found, after.metadata.unreferencedSlices.found, after.objects.queue.pending],
      [0, 0, 0, 0],
      'a second gc finds nothing: no leaked object, no detached tree, no unreferenced slice, nothing queued',
    );
    assertFsckClean(cv.metaUrl, `after crash ${r}`);
    await assertStoreExact(vol, cv.storageDir, `after crash ${r}`);
    const checked = ledger.verify(cv.mnt, Array.from({ length: r + 1 }, (_, i) => `r${i}`));
    assert.ok(checked.durable >= want, `the files made durable before the kill are all there (${checked.durable} of ${want})`);
    assert.equal((await vol.meta.getattr(held.ino)).nlink, 0, 'the unlinked file stays while its session lives');

    // Once the dead session has expired, gc removes the file it kept.
    const before = await vol.statfs();
    await expireSession(vol, crash.session, options.realExpiry);
    const late = gcCli(cv.metaUrl, ['--delete']);
    assert.deepEqual([late.metadata.expiredSessions, late.metadata.sustainedInodes], [1, 1], 'gc cleans the expired session and the file it kept');
    await assert.rejects(vol.meta.getattr(held.ino), { code: 'ENOENT' });
    assert.deepEqual(await vol.statfs(), { usedBytes: before.usedBytes - held.length, inodes: before.inodes - 1 }, 'the counters drop by the kept file');
    assertFsckClean(cv.metaUrl, `after the dead session of crash ${r} expired`);
    await assertStoreExact(vol, cv.storageDir, `after the dead session of crash ${r} expired`);
    // The new mount's first upload removes the temp files the dead one left.
    writeFileSync(path.join(cv.mnt, `probe-${r}`), Buffer.alloc(8192, 1)); // above the inline size: an upload
    assert.equal(storeContents(cv.storageDir).temp, 0, `the temp files of puts cut short by the kill are removed (${temp} of them)`);

    const round: WritesRound = {
      ...crash.log,
      durablePoints: durable(),
      writerErrors,
      leakedRemoved: removed.objects.leaked.deleted,
      files: checked.files,
      shortened: checked.shortened,
      temp,
    };
    rounds.push(round);
    options.log?.(round);
  }
  assert.ok(isMounted(cv.mnt));
  const u = slicefs(['umount', cv.mnt]);
  assert.equal(u.code, 0, u.err);
  return rounds;
}
