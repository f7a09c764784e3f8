import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { SessionInfo } from '../../src/meta/types.js';
import { slicefs } from '../support/cli.js';
import type { MountedVolume } from '../fuse/support/mounted-volume.js';
import type { Child } from './children.js';
import { sessionOf } from './checks.js';
import { type CrashVolume, isMounted } from './crash-volume.js';

/** What a crash and its clean-up looked like. */
export interface RoundLog {
  /** How the mount point answered once its process was dead. */
  deadMount: string;
  /** Processes that ended on their own after the crash (the rest were killed). */
  childrenEnded: number;
  childrenKilled: number;
}

/**
 * kill -9 of a mount process, then the clean-up docs/mount.md prescribes: `slicefs umount
 * --force` (a lazy unmount), the processes that used the mount ended (given 5 s to fail on
 * their own, then killed), and a new mount at the same place. Returns the new mount and the
 * dead mount's session.
 */
export async function killMount(
  cv: CrashVolume,
  mount: MountedVolume,
  users: Child[],
): Promise<{ remounted: MountedVolume; session: SessionInfo; log: RoundLog }> {
  const session = await sessionOf(cv.vol, mount.pid);
  mount.proc.kill('SIGKILL');
  await mount.waitExit();
  let deadMount = 'answers';
  try {
    readdirSync(cv.mnt);
  } catch (err) {
    deadMount = (err as NodeJS.ErrnoException).code ?? String(err);
  }
  // ENOTCONN; ECONNABORTED when the call met the connection while the kernel was aborting it.
  assert.ok(['ENOTCONN', 'ECONNABORTED'].includes(deadMount), `a dead mount answers ENOTCONN, not ${deadMount}`);
  const u = slicefs(['umount', cv.mnt, '--force']);
  assert.equal(u.code, 0, `umount --force: ${u.err}`);
  assert.ok(!isMounted(cv.mnt), 'umount --force detached the dead mount');
  await mount.stop();
  let ended = 0;
  const deadline = Date.now() + 5000;
  await Promise.all(users.map(async (c) => {
    const r = await Promise.race([c.exited, new Promise((res) => setTimeout(res, Math.max(0, deadline - Date.now()), 'timeout'))]);
    if (r !== 'timeout') ended++;
    await c.kill();
  }));
  const remounted = await cv.mount();
  return { remounted, session, log: { deadMount, childrenEnded: ended, childrenKilled: users.length - ended } };
}
