import { FsError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import type { LockProbe, LockRequest } from '../meta.js';
import type { Ino, LockRecord, SessionId } from '../types.js';

/** A lock another owner holds, and the session it belongs to. */
export interface HeldLock {
  session: SessionId;
  lock: LockRecord;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/** The first lock of another owner (same kind: POSIX and flock locks do not interact) that conflicts with `probe`. */
export function findConflict(
  held: ReadonlyMap<SessionId, readonly LockRecord[]>,
  me: { session: SessionId; owner: string },
  probe: LockProbe,
): HeldLock | undefined {
  for (const [session, locks] of held) {
    for (const lock of locks) {
      if (lock.kind !== probe.kind || (session === me.session && lock.owner === me.owner)) continue;
      if ((lock.type === 'write' || probe.type === 'write') && overlaps(lock, probe)) return { session, lock };
    }
  }
  return undefined;
}

/**
 * One session's locks after `req` (POSIX rules): the owner's locks inside the range are replaced
 * (split where they stick out), `unlock` only removes, and touching locks of the same type merge.
 */
export function applyLock(locks: readonly LockRecord[], req: LockRequest): LockRecord[] {
  const kept: LockRecord[] = [];
  const own: LockRecord[] = [];
  for (const l of locks) {
    if (l.owner !== req.owner || l.kind !== req.kind) kept.push(l);
    else if (!overlaps(l, req)) own.push(l);
    else {
      if (l.start < req.start) own.push({ ...l, end: req.start });
      if (l.end > req.end) own.push({ ...l, start: req.end });
    }
  }
  if (req.type !== 'unlock') own.push({ owner: req.owner, pid: req.pid, kind: req.kind, type: req.type, start: req.start, end: req.end });
  own.sort((a, b) => a.start - b.start);
  const merged: LockRecord[] = [];
  for (const l of own) {
    const last = merged[merged.length - 1];
    if (last && last.type === l.type && last.end >= l.start) last.end = Math.max(last.end, l.end);
    else merged.push({ ...l });
  }
  return [...kept, ...merged];
}

/** Sessions whose heartbeat has expired: their locks no longer count. */
async function deadSessions(engine: Engine, sessions: Iterable<SessionId>): Promise<Set<SessionId>> {
  const live = new Map((await engine.listSessions()).map((s) => [s.id, s.expires]));
  const now = Date.now();
  return new Set([...sessions].filter((s) => (live.get(s) ?? 0) < now));
}

const without = (held: Map<SessionId, LockRecord[]>, dead: ReadonlySet<SessionId>) => {
  for (const s of dead) held.delete(s);
  return held;
};

/** F_GETLK: the first lock of another owner, in any live session, that conflicts with `probe`. */
export async function getLock(engine: Engine, target: { ino: Ino; session: SessionId }, probe: LockProbe & { owner: string }): Promise<HeldLock | undefined> {
  const held = await engine.read((tx) => tx.getLocks(target.ino));
  const me = { session: target.session, owner: probe.owner };
  const first = findConflict(held, me, probe);
  if (!first || first.session === target.session) return first;
  return findConflict(without(held, await deadSessions(engine, held.keys())), me, probe);
}

/** One attempt at F_SETLK in one transaction; returns the conflict instead of waiting. */
async function trySetLock(
  engine: Engine,
  target: { ino: Ino; session: SessionId },
  spec: { req: LockRequest; dead: ReadonlySet<SessionId> },
): Promise<{ conflict?: HeldLock; remaining: number }> {
  return engine.txn(async (tx) => {
    const held = without(await tx.getLocks(target.ino), spec.dead);
    const { req } = spec;
    const conflict = req.type === 'unlock' ? undefined : findConflict(held, { session: target.session, owner: req.owner }, { ...req, type: req.type });
    if (conflict) return { conflict, remaining: -1 };
    const next = applyLock(held.get(target.session) ?? [], req);
    await tx.setLocks(target.ino, target.session, next);
    return { remaining: next.length };
  });
}

const MIN_WAIT_MS = 5;
const MAX_WAIT_MS = 250;

/**
 * F_SETLK / F_SETLKW (and flock): EAGAIN on a conflict, or with `wait` poll with backoff until
 * the lock is free; an aborted signal (the kernel's INTERRUPT) ends the wait with EINTR.
 * Returns how many locks the session then holds on the inode.
 */
export async function setLock(
  engine: Engine,
  target: { ino: Ino; session: SessionId },
  spec: { req: LockRequest; wait?: boolean; signal?: AbortSignal },
): Promise<number> {
  let dead: ReadonlySet<SessionId> = new Set();
  for (let delay = MIN_WAIT_MS; ; delay = Math.min(MAX_WAIT_MS, delay * 2)) {
    if (spec.signal?.aborted) throw new FsError('EINTR', { syscall: 'fcntl', ino: target.ino });
    const result = await trySetLock(engine, target, { req: spec.req, dead });
    if (!result.conflict) return result.remaining;
    if (result.conflict.session !== target.session) {
      const found = await deadSessions(engine, [result.conflict.session]);
      if (found.size) {
        dead = new Set([...dead, ...found]);
        delay = MIN_WAIT_MS / 2;
        continue;
      }
    }
    if (!spec.wait) throw new FsError('EAGAIN', { syscall: 'fcntl', ino: target.ino });
    await sleep(delay, spec.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Drops every lock one owner of this session holds on an inode (close drops POSIX locks; the last close of a file its flock). */
export async function releaseLocks(
  engine: Engine,
  target: { ino: Ino; session: SessionId },
  owner: { owner: string; kind: LockRecord['kind'] },
): Promise<number> {
  return engine.txn(async (tx) => {
    const mine = (await tx.getLocks(target.ino)).get(target.session) ?? [];
    const next = mine.filter((l) => l.owner !== owner.owner || l.kind !== owner.kind);
    if (next.length !== mine.length) await tx.setLocks(target.ino, target.session, next);
    return next.length;
  });
}
