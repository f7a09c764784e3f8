import { hostname } from 'node:os';
import type { Engine } from './engine.js';
import { destroyInode } from './ops/inode-records.js';
import { purgeTrash } from './trash/purge-trash.js';
import type { SessionId, SessionInfo } from './types.js';

/** How long a session lives without a heartbeat before others may clean up after it. */
export const SESSION_TTL_MS = 60_000;
/** How often a client does the volume's shared housekeeping: dead sessions, old trash. */
const MAINTENANCE_MS = 5 * 60_000;

/** Registers a session and keeps its heartbeat going until `stop`. */
export class SessionKeeper {
  private timer: NodeJS.Timeout | undefined;
  private housekeeping: NodeJS.Timeout | undefined;

  private constructor(
    private readonly engine: Engine,
    readonly info: SessionInfo,
    private readonly ttlMs: number,
  ) {}

  /**
   * Registers a new session for this process. Besides the heartbeat, every client now and then
   * cleans up after dead sessions and purges the trash, so a volume needs no separate daemon.
   */
  static async start(
    engine: Engine,
    options: { program: string; ttlMs?: number; trashDays?: number; onBeat?: () => Promise<void> },
  ): Promise<SessionKeeper> {
    const ttlMs = options.ttlMs ?? SESSION_TTL_MS;
    const id = (await engine.incrCounter('nextSession', 1)) as SessionId;
    const t = Date.now();
    const info: SessionInfo = { id, host: hostname(), pid: process.pid, program: options.program, heartbeat: t, expires: t + ttlMs };
    await engine.putSession(info);
    const keeper = new SessionKeeper(engine, info, ttlMs);
    keeper.timer = setInterval(() => void keeper.beat().then(options.onBeat).catch(() => undefined), Math.max(1000, ttlMs / 3));
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

  /** Renews the session's lease. */
  async beat(): Promise<void> {
    const t = Date.now();
    this.info.heartbeat = t;
    this.info.expires = t + this.ttlMs;
    await this.engine.putSession(this.info);
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

/** Cleans every session whose heartbeat expired before `at`; returns the sessions and inodes cleaned. */
export async function cleanExpiredSessions(engine: Engine, at = Date.now()): Promise<{ sessions: number; inodes: number }> {
  let sessions = 0;
  let inodes = 0;
  for (const s of await engine.listSessions()) {
    if (s.expires >= at) continue;
    inodes += await cleanSession(engine, s.id);
    sessions++;
  }
  return { sessions, inodes };
}
