import { hostname } from 'node:os';
import { FsError } from '../errors/index.js';
import type { Engine } from './engine.js';
import { destroyInode } from './ops/inode-records.js';
import { purgeTrash } from './trash/purge-trash.js';
import type { SessionId, SessionInfo } from './types.js';

/** How long a session lives without a heartbeat before others may clean up after it (default of the `sessionTtlMs` open option). */
export const SESSION_TTL_MS = 60_000;
/** The shortest session lifetime accepted (tests use it; a heartbeat is sent every third of it). */
export const MIN_SESSION_TTL_MS = 300;
/** How often a client does the volume's shared housekeeping: dead sessions, old trash. */
const MAINTENANCE_MS = 5 * 60_000;

/** Where a session's loud lines go. */
export type SessionLog = (line: string) => void;

/**
 * Registers a session and keeps its heartbeat going until `stop`. A beat renews the lease only
 * while the session is alive in the engine; once it finds the session gone or expired (others
 * may have reclaimed its open files, locks and detached trees), the keeper is fenced for good
 * (DESIGN §4): `ensureLive` fails with EIO, and only reopening the volume opens a new session.
 */
export class SessionKeeper {
  private timer: NodeJS.Timeout | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  /** Local time the last successful renewal was sent: the lease runs from there. */
  private renewedAt: number;
  private fencedBy: FsError | undefined;
  private beating: Promise<void> | undefined;
  /** Run after each successful renewal (retries of work an outage interrupted). */
  onRenewed: (() => Promise<void>) | undefined;

  private constructor(
    private readonly engine: Engine,
    readonly info: SessionInfo,
    private readonly options: { ttlMs: number; log: SessionLog },
  ) {
    this.renewedAt = info.heartbeat;
  }

  /**
   * Registers a new session for this process. Besides the heartbeat, every client now and then
   * cleans up after dead sessions and purges the trash, so a volume needs no separate daemon.
   */
  static async start(
    engine: Engine,
    options: { program: string; ttlMs?: number; trashDays?: number; log?: SessionLog; onBeat?: () => Promise<void> },
  ): Promise<SessionKeeper> {
    const ttlMs = options.ttlMs ?? SESSION_TTL_MS;
    if (!Number.isFinite(ttlMs) || ttlMs < MIN_SESSION_TTL_MS) {
      throw new FsError('EINVAL', { syscall: 'open', detail: `session TTL ${ttlMs} ms is below the minimum ${MIN_SESSION_TTL_MS} ms` });
    }
    const id = (await engine.incrCounter('nextSession', 1)) as SessionId;
    const t = Date.now();
    const info: SessionInfo = { id, host: hostname(), pid: process.pid, program: options.program, heartbeat: t, expires: t + ttlMs };
    await engine.putSession(info);
    const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
    const keeper = new SessionKeeper(engine, info, { ttlMs, log });
    keeper.timer = setInterval(() => void keeper.beat().then(options.onBeat).catch(() => undefined), ttlMs / 3);
    keeper.timer.unref();
    const trashDays = options.trashDays ?? 0;
    keeper.housekeeping = setInterval(() => {
      void cleanExpiredSessions(engine)
        .then(() => (trashDays > 0 ? purgeTrash(engine, { trashDays }) : 0))
        .catch(() => undefined);
    }, MAINTENANCE_MS);
    keeper.housekeeping.unref();
    return keeper;
  }

  /** The EIO every operation gets once the session is fenced, or undefined while it is alive. */
  get fenced(): FsError | undefined {
    return this.fencedBy;
  }

  /** Renews the session's lease; fences the keeper when the engine says the session is gone or expired. */
  beat(): Promise<void> {
    this.beating ??= this.renew().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async renew(): Promise<void> {
    if (this.fencedBy) throw this.fencedBy;
    const t = Date.now();
    const lease = this.info.expires;
    const next = { ...this.info, heartbeat: t, expires: t + this.options.ttlMs };
    let renewed: boolean;
    try {
      renewed = await this.engine.renewSession(next, t);
    } catch (err) {
      const code = err instanceof FsError ? err.code : 'EIO';
      const left = this.renewedAt + this.options.ttlMs - Date.now();
      this.options.log(`slicefs: session #${this.info.id}: heartbeat failed (${code}: ${(err as Error).message}); retrying in ${Math.round(this.options.ttlMs / 3)} ms, the lease ends in ${Math.max(0, left)} ms`);
      throw err;
    }
    if (!renewed) {
      const late = t - this.info.expires;
      this.fence(late > 0 ? `its lease expired ${late} ms ago (paused or partitioned longer than the session TTL)` : 'its record is gone (cleaned by another client or gc)');
      throw this.fencedBy!;
    }
    const answered = Date.now();
    if (answered > lease) {
      // The renewal was judged against `t`, taken before the call: a process paused or starved
      // while it was under way gets its answer after the lease ended, and the engine may have
      // applied it after that too, when others could already take this session's locks and
      // files. Give the session up (others clean it) rather than resume as if nothing happened.
      await this.engine.fenceSession(this.info.id, Number.MAX_SAFE_INTEGER).catch(() => undefined);
      this.fence(`its heartbeat was answered ${answered - lease} ms after its lease had ended (paused or starved while renewing)`);
      throw this.fencedBy!;
    }
    Object.assign(this.info, { heartbeat: next.heartbeat, expires: next.expires });
    this.renewedAt = t;
    await this.onRenewed?.().catch(() => undefined);
  }

  /**
   * Resolves while this client may act under its session: at once while the lease is fresh,
   * after a renewal when half of it has passed (a paused or starved client), with EIO once fenced
   * or when the lease ran out and cannot be renewed (the engine is unreachable).
   */
  async ensureLive(): Promise<void> {
    if (this.fencedBy) throw this.fencedBy;
    const age = Date.now() - this.renewedAt;
    if (age < this.options.ttlMs / 2) return;
    try {
      await this.beat();
    } catch (err) {
      if (this.fencedBy) throw this.fencedBy;
      if (Date.now() - this.renewedAt >= this.options.ttlMs) {
        throw new FsError('EIO', { syscall: 'session', detail: `session #${this.info.id}: lease ran out and the heartbeat fails (${(err as Error).message})` });
      }
    }
  }

  private fence(why: string): void {
    this.fencedBy = new FsError('EIO', { syscall: 'session', detail: `session #${this.info.id} is fenced: ${why}; reopen the volume (remount) for a new session` });
    this.options.log(
      `slicefs: session #${this.info.id} FENCED: ${why}. Other clients may have reclaimed its open-but-unlinked files, locks and unfinished clones; ` +
        'from now on every write, lock and open file of this client fails with EIO. Reopen the volume (remount) to continue.',
    );
    clearInterval(this.timer);
  }

  /** Ends the session: deletes the unlinked inodes it kept and its record. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.housekeeping);
    await cleanSession(this.engine, this.info.id);
  }
}

/** Forgets a session's open records, deletes the unlinked inodes only it kept, and the session itself. */
export async function cleanSession(engine: Engine, id: SessionId): Promise<number> {
  let cleaned = 0;
  for (const ino of await engine.listSustained(id)) {
    // Counted from the committed attempt's answer: a transaction may run again after a conflict.
    const destroyed = await engine.txn(async (tx) => {
      await tx.deleteSustained(id, ino);
      const attr = await tx.getInode(ino);
      if (!attr || attr.nlink !== 0 || attr.type === 'dir' || (await tx.openSessions(ino)).length) return false;
      await destroyInode(tx, attr);
      return true;
    });
    if (destroyed) cleaned++;
  }
  await engine.deleteSession(id);
  return cleaned;
}

/**
 * Cleans every session whose heartbeat expired before `at`; returns the sessions and inodes
 * cleaned. Each is fenced first, so that a late heartbeat cannot bring it back meanwhile.
 */
export async function cleanExpiredSessions(engine: Engine, at = Date.now()): Promise<{ sessions: number; inodes: number }> {
  let sessions = 0;
  let inodes = 0;
  for (const s of await engine.listSessions()) {
    if (s.expires >= at) continue;
    if (!(await engine.fenceSession(s.id, at))) continue;
    inodes += await cleanSession(engine, s.id);
    sessions++;
  }
  return { sessions, inodes };
}
