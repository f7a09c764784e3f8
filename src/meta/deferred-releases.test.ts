import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../errors/index.js';
import { DeferredReleases } from './deferred-releases.js';
import type { Ino } from './types.js';

const ino = (n: number) => n as Ino;

/** A finish that fails its first `failures` calls with EIO, recording each call's inodes. */
function failingFinish(failures: number) {
  const calls: Ino[][] = [];
  let succeeded: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (succeeded = resolve));
  return {
    calls,
    done,
    finish: async (inos: Ino[]) => {
      calls.push(inos);
      if (calls.length <= failures) throw new FsError('EIO', { syscall: 'release', detail: 'engine unreachable' });
      succeeded();
    },
  };
}

describe('deferred releases', () => {
  it('a failed flush rejects with the error and keeps the inodes queued for the next', async () => {
    const f = failingFinish(1);
    const releases = new DeferredReleases(f.finish, () => undefined);
    releases.defer(ino(7));
    await assert.rejects(releases.flush(), (e: unknown) => e instanceof FsError && e.code === 'EIO');
    assert.ok(releases.has(ino(7)), 'still queued');
    await releases.flush();
    assert.deepEqual(f.calls, [[7], [7]]);
    assert.equal(releases.has(ino(7)), false);
    releases.stop();
  });

  it('a failure in the background is logged with its errno and the retry, and the retry finishes the release', async () => {
    const f = failingFinish(1);
    const lines: string[] = [];
    let logged: () => void = () => undefined;
    const firstLine = new Promise<void>((resolve) => (logged = resolve));
    const releases = new DeferredReleases(f.finish, (line) => {
      lines.push(line);
      logged();
    });
    // The queue's timers do not keep a process alive; this test must stay up for them.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      releases.defer(ino(3));
      await firstLine;
      assert.match(lines[0]!, /^slicefs: releasing the open records of 1 closed file\(s\) failed: EIO: .*engine unreachable.*; retrying in 1 s$/);
      await f.done;
      assert.deepEqual(f.calls, [[3], [3]], 'the retry released the same inode');
      assert.equal(lines.length, 1);
    } finally {
      releases.stop();
      clearInterval(keepAlive);
    }
  });
});
