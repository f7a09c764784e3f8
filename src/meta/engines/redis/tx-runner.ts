import { FsError } from '../../../errors/index.js';
import { countRequest } from './activity.js';
import { asNumber } from './codec.js';
import { CommandBuffer } from './command-buffer.js';
import { type Assumption, guardedCommitCall } from './guarded-commit.js';
import type { KeyLayout } from './key-layout.js';
import { KeyLocks } from './key-locks.js';
import { evalScript, WatchingReader } from './key-reader.js';
import { redisError } from './redis-errors.js';
import type { RedisArg, RedisConnections, RedisLike } from './redis-like.js';
import { RedisTx } from './redis-tx.js';
import { GUARDED_COMMIT } from './scripts.js';

/** Attempts before a transaction that keeps conflicting fails with EAGAIN. */
const MAX_ATTEMPTS = 100;
/** Upper bound of the jittered backoff between attempts. */
const MAX_BACKOFF_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome<T> =
  | { committed: true; value: T }
  | { committed: false; watched: ReadonlySet<string> }
  /** Nothing was written, and what the attempt decided rested on an assumption (failed, or not checkable). */
  | { committed: false; unassumed: true };

/**
 * Optimistic transactions: on an isolated connection, every key read is WATCHed first, writes
 * are buffered (the overlay lets reads see them), and commit is MULTI + writes + EXEC. When a
 * watched key changed, EXEC aborts and the whole callback runs again after a jittered backoff,
 * holding in-process locks on the keys it had watched (see KeyLocks).
 *
 * Given what the caller assumed (TxnOptions.assume), the transaction takes that as read, unwatched,
 * and commits with one script that applies its writes only if the assumption holds
 * (GUARDED_COMMIT): a create or a close's commit in one round trip instead of two. If anything fails
 * such an attempt (the assumption, an error the callback threw on it, a conflict), it runs again at
 * once, reading.
 */
export class TxRunner {
  /** Attempts that lost a conflict since the engine opened (for tests and benchmarks). */
  conflicts = 0;
  private readonly locks = new KeyLocks();

  constructor(
    private readonly conns: RedisConnections,
    private readonly keys: KeyLayout,
    private readonly where: string,
  ) {}

  async run<T>(fn: (tx: RedisTx) => Promise<T>, assumed?: Assumption): Promise<T> {
    let contended: ReadonlySet<string> = new Set();
    let assumption = assumed;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.locks.run(contended, () => this.conns.pool.execute((conn) => this.attempt(conn, fn, assumption)));
      if (outcome.committed) return outcome.value;
      if ('unassumed' in outcome) {
        assumption = undefined;
        attempt--;
        continue;
      }
      contended = outcome.watched;
      this.conflicts++;
      countRequest('conflict');
      if (attempt >= MAX_ATTEMPTS) {
        throw new FsError('EAGAIN', { syscall: 'redis', detail: `${this.where}: transaction still conflicting after ${attempt} attempts` });
      }
      await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
    }
  }

  private async attempt<T>(conn: RedisLike, fn: (tx: RedisTx) => Promise<T>, assumed: Assumption | undefined): Promise<Outcome<T>> {
    const reader = new WatchingReader(conn, this.where);
    const writes = new CommandBuffer();
    const tx = new RedisTx(reader, this.keys, writes);
    if (assumed) tx.assume(assumed);
    let value: T;
    try {
      value = await fn(tx);
    } catch (err) {
      if (assumed) {
        if (reader.watched.size) await conn.unwatch().catch(() => undefined);
        return { committed: false, unassumed: true };
      }
      // The callback decided from what it read: if any of that changed meanwhile, its reads may
      // mix two states (a name gone from one directory, already in another), so run it again.
      if (!reader.watched.size) throw err;
      if (!(err instanceof FsError)) {
        await conn.unwatch().catch(() => undefined);
        throw err;
      }
      if (!(await this.stillValid(conn))) return { committed: false, watched: reader.watched };
      throw err;
    }
    if (assumed) return this.guardedCommit(conn, { value, assumed, watched: reader.watched, commands: writes.commands });
    if (!writes.size && !reader.watched.size) return { committed: true, value };
    // A read-only transaction still runs an empty MULTI/EXEC: it fails if what it read changed.
    const multi = conn.multi();
    for (const command of writes.commands) multi.addCommand(command);
    countRequest('commit');
    try {
      await multi.exec();
    } catch (err) {
      if (this.conns.isConflict(err)) return { committed: false, watched: reader.watched };
      throw redisError(err, this.where);
    }
    return { committed: true, value };
  }

  /**
   * The writes in one GUARDED_COMMIT: on its own, or in MULTI … EXEC when the transaction also
   * watched keys it read.
   */
  private async guardedCommit<T>(
    conn: RedisLike,
    attempt: { value: T; assumed: Assumption; watched: ReadonlySet<string>; commands: readonly RedisArg[][] },
  ): Promise<Outcome<T>> {
    const call = guardedCommitCall(this.keys, attempt.assumed, attempt.commands);
    const watching = attempt.watched.size > 0;
    if (!call) {
      if (watching) await conn.unwatch().catch(() => undefined);
      return { committed: false, unassumed: true };
    }
    countRequest('commit');
    let applied: unknown;
    try {
      if (watching) {
        // Inside MULTI a NOSCRIPT error would not abort the block: the script goes with its source.
        const [reply] = await conn.multi().addCommand(['EVAL', GUARDED_COMMIT.source, String(call.keys.length), ...call.keys, ...call.args]).exec();
        applied = reply;
      } else {
        applied = await evalScript(conn, GUARDED_COMMIT, call);
      }
    } catch (err) {
      if (this.conns.isConflict(err)) return { committed: false, unassumed: true };
      throw redisError(err, this.where);
    }
    return asNumber(applied) === 1 ? { committed: true, value: attempt.value } : { committed: false, unassumed: true };
  }

  /** An empty MULTI/EXEC (which also ends the watch): false when a watched key changed since it was read. */
  private async stillValid(conn: RedisLike): Promise<boolean> {
    countRequest('commit');
    try {
      await conn.multi().exec();
      return true;
    } catch (err) {
      // Cannot tell (the connection failed): report what the callback decided.
      return !this.conns.isConflict(err);
    }
  }
}
