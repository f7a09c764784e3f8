import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockRequest } from '../meta.js';
import { rejectsWith, testSettings } from '../testing/harness.js';
import { TEST_ENGINES } from '../testing/test-engines.js';
import type { Engine } from '../engine.js';
import type { Ino, LockRecord, SessionId } from '../types.js';
import { VolumeMeta } from '../volume-meta.js';
import { applyLock, findConflict, setLock } from './locks.js';

const TO_END = Number.MAX_SAFE_INTEGER;
const lock = (over: Partial<LockRequest>): LockRequest => ({ owner: 'o1', pid: 1, kind: 'posix', type: 'write', start: 0, end: TO_END, ...over });
const ranges = (locks: LockRecord[]) => locks.map((l) => `${l.owner}:${l.type[0]}${l.start}-${l.end === TO_END ? 'end' : l.end}`);

/** An engine whose transactions announce that they finished: `attempted()` resolves after the next one. */
function watchAttempts(inner: Engine): { engine: Engine; attempted(): Promise<void> } {
  let next: (() => void) | undefined;
  const engine = new Proxy(inner, {
    get(target, key, receiver) {
      if (key !== 'txn') return Reflect.get(target, key, receiver);
      return async (fn: Parameters<Engine['txn']>[0]) => {
        try {
          return await target.txn(fn);
        } finally {
          const done = next;
          next = undefined;
          done?.();
        }
      };
    },
  });
  return { engine, attempted: () => new Promise<void>((resolve) => (next = resolve)) };
}

describe('locks: POSIX range rules', () => {
  it('unlocking the middle of a lock splits it; the same owner re-locking replaces and merges', () => {
    let mine = applyLock([], lock({ start: 0, end: 100 }));
    mine = applyLock(mine, lock({ type: 'unlock', start: 40, end: 60 }));
    assert.deepEqual(ranges(mine), ['o1:w0-40', 'o1:w60-100']);
    mine = applyLock(mine, lock({ type: 'read', start: 20, end: 70 }));
    assert.deepEqual(ranges(mine), ['o1:w0-20', 'o1:r20-70', 'o1:w70-100']);
    mine = applyLock(mine, lock({ start: 20, end: 70 }));
    assert.deepEqual(ranges(mine), ['o1:w0-100'], 'adjacent locks of one type merge');
    mine = applyLock(mine, lock({ owner: 'o2', type: 'read', start: 200, end: 300 }));
    assert.deepEqual(ranges(applyLock(mine, lock({ type: 'unlock' }))), ['o2:r200-300'], "unlock leaves other owners' locks");
  });

  it('conflicts: write against anything overlapping of another owner; POSIX and flock locks never meet', () => {
    const held = new Map([[1 as SessionId, [{ owner: 'a', pid: 1, kind: 'posix' as const, type: 'read' as const, start: 10, end: 20 }]]]);
    const me = { session: 2 as SessionId, owner: 'b' };
    assert.equal(findConflict(held, me, { kind: 'posix', type: 'read', start: 0, end: TO_END }), undefined);
    assert.equal(findConflict(held, me, { kind: 'posix', type: 'write', start: 20, end: 30 }), undefined, 'end is exclusive');
    assert.equal(findConflict(held, me, { kind: 'posix', type: 'write', start: 19, end: 30 })?.lock.owner, 'a');
    assert.equal(findConflict(held, me, { kind: 'flock', type: 'write', start: 0, end: TO_END }), undefined);
    assert.equal(findConflict(held, { session: 1 as SessionId, owner: 'a' }, { kind: 'posix', type: 'write', start: 0, end: 50 }), undefined);
  });
});

for (const engine of TEST_ENGINES.filter((e) => e.name === 'mem' || e.name === 'sqlite3')) {
  describe(`locks across two clients (${engine.name})`, () => {
    async function twoClients(fn: (a: VolumeMeta, b: VolumeMeta) => Promise<void>) {
      const url = await engine.newUrl();
      await VolumeMeta.format(url, testSettings());
      const a = await VolumeMeta.open(url);
      const b = await VolumeMeta.open(url);
      try {
        await fn(a, b);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await engine.cleanup(url);
      }
    }
    const ino = 7 as Ino;

    it('a lock held by one client blocks the other (EAGAIN), shows in GETLK, and is released by the owner', () =>
      twoClients(async (a, b) => {
        await a.setlk(ino, lock({ start: 0, end: 10 }));
        await rejectsWith(b.setlk(ino, lock({ start: 5, end: 6 })), 'EAGAIN');
        assert.deepEqual(await b.getlk(ino, { owner: 'o1', kind: 'posix', type: 'read', start: 0, end: 1 }), {
          lock: { owner: 'o1', pid: 1, kind: 'posix', type: 'write', start: 0, end: 10 }, ours: false,
        });
        await b.setlk(ino, lock({ start: 10, end: 20 }));
        await a.releaseLocks(ino, { owner: 'o1', kind: 'posix' });
        await b.setlk(ino, lock({ start: 0, end: 10 }));
      }));

    it('a waiting lock (SETLKW) is granted once the holder unlocks, or ends with EINTR when aborted', () =>
      twoClients(async (a, b) => {
        await a.setlk(ino, lock({ kind: 'flock' }));
        // Handshake: the waiter's engine reports each finished lock attempt, so the test acts only
        // once the waiter has seen the conflict and is waiting (no timer decides the order).
        const watched = watchAttempts(b.engine);
        const target = { ino, session: b.session };
        const controller = new AbortController();
        const aborted = setLock(watched.engine, target, { req: lock({ kind: 'flock', owner: 'x' }), wait: true, signal: controller.signal });
        await watched.attempted();
        controller.abort();
        await rejectsWith(aborted, 'EINTR');
        const waiting = setLock(watched.engine, target, { req: lock({ kind: 'flock', owner: 'x' }), wait: true });
        await watched.attempted();
        await a.setlk(ino, lock({ kind: 'flock', type: 'unlock' }));
        assert.equal(await waiting, 1);
        await rejectsWith(a.setlk(ino, lock({ kind: 'flock' })), 'EAGAIN');
      }));

    it('locks of a session whose heartbeat expired do not count', () =>
      twoClients(async (a, b) => {
        await a.setlk(ino, lock({}));
        await rejectsWith(b.setlk(ino, lock({ owner: 'o2' })), 'EAGAIN');
        const info = (await a.engine.listSessions()).find((s) => s.id === a.session)!;
        await a.engine.putSession({ ...info, expires: Date.now() - 1 });
        await b.setlk(ino, lock({ owner: 'o2' }));
        assert.equal((await b.getlk(ino, { owner: 'o3', kind: 'posix', type: 'write', start: 0, end: 1 }))?.lock.owner, 'o2');
      }));
  });
}
