import { FsError } from '../../../../errors/index.js';
import type { CommitGuard, SqlQuerier } from '../dialect.js';
import { LOCK_TIMEOUT_MS, type PgClientLike, type PgPoolLike, type PgResultLike } from './postgres-connection.js';
import { postgresError, RETRYABLE, sqlState } from './postgres-errors.js';
import { PgQuerier, recordAttempt, type StatementCache } from './postgres-querier.js';
import { executableText, TransactionQuerier } from './postgres-tx-querier.js';

/** Attempts of one transaction on conflicts. */
const MAX_ATTEMPTS = 40;
/** Unique violations retry fewer times: after a lost race the retry sees the winner; a real duplicate never goes away. */
const MAX_UNIQUE_RETRIES = 4;
const MAX_BACKOFF_MS = 100;
/** Conflicts after which a transaction runs alone, so that a busy neighbour cannot starve it. */
const ALONE_AFTER = 4;
/** How long a transaction waits for its turn on the volume's advisory lock. */
const TURN_WAIT_MS = 5_000;
const BEGIN = 'BEGIN ISOLATION LEVEL SERIALIZABLE';
/** What a commit guard that does not hold raises (division by zero): the attempt runs again unguarded. */
const GUARD_FAILED = '22012';
/** First half of every volume's advisory lock key; the second is a hash of the volume's schema. */
const LOCK_CLASS = 0x5111cef5 | 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** FNV-1a of a string as a signed 32-bit integer (advisory lock keys are int4 pairs). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text)) h = Math.imul(h ^ byte, 0x01000193);
  return h | 0;
}

/** Statements that wait for an advisory lock longer than the row-lock timeout allows, then restore it. */
const withTurnWait = (sql: string) => `SET lock_timeout = ${TURN_WAIT_MS}; ${sql}; SET lock_timeout = ${LOCK_TIMEOUT_MS}`;

/** What one attempt learned: the conflict that dooms it, or that another transaction ran alone. */
interface AttemptState {
  conflict?: string;
  turnTaken?: boolean;
}

/**
 * Serializable transactions on one pooled connection each, run again on conflicts (serialization
 * failure, deadlock, lock timeout, unique violation) with jittered backoff. Every transaction holds
 * the volume's advisory lock shared; one that lost ALONE_AFTER conflicts takes it exclusively
 * before BEGIN, so it runs alone and cannot lose again.
 */
export class PostgresTransactions {
  private readonly lockKey: string;
  /** The statements prepared at the SQL level on each pooled connection (TransactionQuerier). */
  private readonly prepared = new WeakMap<PgClientLike, Set<string>>();

  constructor(
    private readonly pool: PgPoolLike,
    private readonly options: { statements: StatementCache; schema: string },
  ) {
    this.lockKey = `${LOCK_CLASS}, ${hash32(options.schema)}`;
  }

  /**
   * Runs `fn` until it commits, or fails with something other than a conflict, or runs out of
   * attempts. `durable`: the commit waits for its WAL to reach the disk whatever the server's or
   * database's `synchronous_commit` (fsync must not depend on a setting we do not own).
   */
  async run<T>(fn: (q: SqlQuerier, guarded: boolean) => Promise<T>, options: { durable?: boolean; guard?: CommitGuard } = {}): Promise<T> {
    let uniqueRetries = 0;
    let guard = options.guard;
    for (let attempt = 1; ; attempt++) {
      const state: AttemptState = {};
      const alone = attempt > ALONE_AFTER;
      const guarded = guard !== undefined && !alone;
      try {
        const result = await this.attempt(fn, { state, alone, durable: options.durable === true, guard: guarded ? guard : undefined });
        recordAttempt(attempt);
        return result;
      } catch (err) {
        if (guarded && !state.turnTaken) {
          // Nothing was committed, and what the attempt decided rested on what the caller assumed,
          // which only its commit checked: whatever failed it (the guard, an error the callback
          // threw on the assumed inode, a conflict), the same attempt again, reading, at once.
          if (sqlState(err) === GUARD_FAILED) recordAttempt(attempt, GUARD_FAILED);
          guard = undefined;
          attempt--;
          continue;
        }
        if (state.turnTaken) {
          // Not a conflict: one running alone had the volume. Wait for it to finish and begin again.
          attempt--;
          await this.awaitTurn();
          continue;
        }
        const conflict = state.conflict ?? sqlState(err);
        if (conflict === '23505') uniqueRetries++;
        if (!conflict || !RETRYABLE.has(conflict) || attempt >= MAX_ATTEMPTS || uniqueRetries > MAX_UNIQUE_RETRIES) {
          recordAttempt(attempt);
          throw err;
        }
        recordAttempt(attempt, conflict);
      }
      await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
    }
  }

  /**
   * One try: BEGIN (with the first statement), the callback, COMMIT (with the writes held to the
   * end); ROLLBACK on any failure.
   */
  private async attempt<T>(
    fn: (q: SqlQuerier, guarded: boolean) => Promise<T>,
    options: { state: AttemptState; alone: boolean; durable: boolean; guard?: CommitGuard },
  ): Promise<T> {
    const { state, alone } = options;
    let client: PgClientLike;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw postgresError(err);
    }
    const q = new PgQuerier(client, { statements: this.options.statements, attempt: state });
    // Shared: BEGIN holding the volume's lock shared goes out with the first statement.
    let prepared = this.prepared.get(client);
    if (!prepared) this.prepared.set(client, (prepared = new Set()));
    const tq = new TransactionQuerier(q, {
      begin: alone ? undefined : `${BEGIN}; SELECT pg_try_advisory_xact_lock_shared(${this.lockKey}) AS granted`,
      statements: this.options.statements,
      prepared,
      // Fails (division by zero) unless the volume's lock is granted shared and the condition holds.
      guard: options.guard && {
        sql: `SELECT 1 / (pg_try_advisory_xact_lock_shared(${this.lockKey}) AND ${options.guard.condition})::int AS held`,
        params: options.guard.params,
      },
    });
    let broken: Error | undefined;
    let exclusive = false;
    try {
      if (alone) {
        // Before BEGIN: the snapshot must be taken once the transactions in flight have finished.
        await q.send({ text: withTurnWait(`SELECT pg_advisory_lock(${this.lockKey})`) });
        exclusive = true;
        await q.send({ text: BEGIN });
      }
      const result = await fn(tq, options.guard !== undefined);
      const commit = await tq.commit(options.durable);
      // COMMIT of a transaction that an error already doomed (one `fn` caught) answers ROLLBACK, not an error.
      if (commit && commit.command !== 'COMMIT') {
        throw new FsError(state.conflict ? 'EAGAIN' : 'EIO', { syscall: 'postgres', detail: 'transaction was rolled back by an earlier error' });
      }
      return result;
    } catch (err) {
      state.turnTaken = tq.turnTaken;
      try {
        if (tq.begun) await client.query({ text: 'ROLLBACK' });
      } catch (rollbackErr) {
        broken = rollbackErr as Error; // the connection is unusable: the pool drops it (and its locks)
      }
      throw err;
    } finally {
      if (exclusive && !broken) {
        await client.query({ text: `SELECT pg_advisory_unlock(${this.lockKey})` }).catch((err: Error) => (broken = err));
      }
      client.release(broken);
    }
  }

  /**
   * `update` (an UPDATE whose text ends with its WHERE clause) as a transaction of its own in one
   * round trip: BEGIN, the update guarded by a try of the volume's lock shared (it changes nothing
   * while a transaction runs alone), NOTIFY `notify` (channel, payload) if it changed a row, and
   * COMMIT, in one simple query. The rows it changed; undefined when a conflict rolled it back or
   * the statement cannot be sent this way (the caller then takes its usual transaction).
   */
  async once(update: string, params: readonly unknown[], notify?: readonly [string, string]): Promise<number | undefined> {
    const sql = `WITH u AS (${update} AND pg_try_advisory_xact_lock_shared(${this.lockKey}) RETURNING 1) SELECT ${notify ? 'pg_notify(?, ?)' : '1'} FROM u`;
    let client: PgClientLike;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw postgresError(err);
    }
    let prepared = this.prepared.get(client);
    if (!prepared) this.prepared.set(client, (prepared = new Set()));
    const q = new PgQuerier(client, { statements: this.options.statements });
    let broken: Error | undefined;
    try {
      const text = await executableText(q, { statements: this.options.statements, prepared }, sql, notify ? [...params, ...notify] : params);
      if (text === undefined) return undefined;
      const sent = (await q.send({ text: `${BEGIN}; ${text}; COMMIT` })) as unknown as PgResultLike[];
      recordAttempt(1);
      return sent[1]?.rows.length ?? 0;
    } catch (err) {
      await client.query({ text: 'ROLLBACK' }).catch((rollbackErr: Error) => (broken = rollbackErr));
      const conflict = sqlState(err);
      if (conflict && RETRYABLE.has(conflict)) return undefined;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Waits until no transaction runs alone: a snapshot taken before one committed would only
   * conflict with what it wrote.
   */
  private async awaitTurn(): Promise<void> {
    try {
      await this.pool.query({ text: withTurnWait(`SELECT pg_advisory_lock_shared(${this.lockKey}); SELECT pg_advisory_unlock_shared(${this.lockKey})`) });
    } catch (err) {
      throw postgresError(err);
    }
  }
}
