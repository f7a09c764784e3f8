import type { SqlQuerier } from '../dialect.js';
import type { PgResultLike } from './postgres-connection.js';
import { literal } from './postgres-literals.js';
import type { PgQuerier, StatementCache } from './postgres-querier.js';

/** What a transaction's first statement found: another transaction running alone holds or awaits the volume's lock. */
export class TurnTaken extends Error {
  constructor() {
    super('a transaction running alone holds the volume: this one waits for its turn');
  }
}

/**
 * `EXECUTE name(values inlined)` of the statement, prepared on this connection at the SQL level
 * first if it is not yet (one round trip, once per connection: prepared statements outlive
 * transactions, rolled back or not). A simple query re-plans inlined text every time, which
 * cost more than the round trips it saved. Undefined when it cannot be (a value with no
 * literal, or past the cache's limit of named texts).
 */
export async function executableText(
  q: PgQuerier,
  on: { statements: StatementCache; prepared: Set<string> },
  sql: string,
  params: readonly unknown[],
): Promise<string | undefined> {
  const literals = params.map(literal);
  const s = on.statements.statement(sql, params);
  if (!s.name || literals.includes(undefined)) return undefined;
  const name = `${s.name}_x`;
  if (!on.prepared.has(name)) {
    await q.send({ text: `PREPARE ${name} AS ${s.text}` });
    on.prepared.add(name);
  }
  return params.length ? `EXECUTE ${name}(${literals.join(', ')})` : `EXECUTE ${name}`;
}

/** The last result of a simple query that carried several statements. */
const lastOf = (sent: unknown) => (Array.isArray(sent) ? sent[sent.length - 1] : sent) as PgResultLike;

/**
 * One transaction attempt's statements, with BEGIN sent along with the first of them and COMMIT
 * with the writes held to the end (`atCommit`): each pair is one simple query, the statement an
 * EXECUTE of its prepared form with the values inlined (postgres-literals.ts), so a transaction
 * of one read and one batch of writes costs two round trips instead of four. The rest go out as
 * prepared statements with parameters.
 *
 * BEGIN comes with a try of the volume's lock, shared. If it was not granted (a transaction runs
 * alone), the statement that rode along is rolled back with the attempt: this one and every later
 * statement, and the commit, throw TurnTaken. So COMMIT never travels with a BEGIN whose lock was
 * not yet seen granted: a transaction whose only statement is its last sends BEGIN alone first.
 */
export class TransactionQuerier implements SqlQuerier {
  /** BEGIN and the lock try, until sent; undefined once sent (or when the caller began). */
  private begin: string | undefined;
  private last: { sql: string; params: readonly unknown[] } | undefined;
  /** Set when BEGIN found the lock taken: the attempt must roll back and wait. */
  turnTaken = false;

  /** Whether BEGIN was sent (or the caller began): there is something to roll back. */
  get begun(): boolean {
    return this.begin === undefined;
  }

  constructor(
    private readonly q: PgQuerier,
    private readonly options: {
      begin?: string;
      statements: StatementCache;
      prepared: Set<string>;
      /** A statement that fails unless the commit may go ahead: sent with COMMIT, before it. */
      guard?: { sql: string; params: readonly unknown[] };
    },
  ) {
    this.begin = options.begin;
  }

  private executable(sql: string, params: readonly unknown[]): Promise<string | undefined> {
    return executableText(this.q, this.options, sql, params);
  }

  async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.statement(sql, params)).rows as R[];
  }
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.statement(sql, params)).rowCount ?? 0;
  }
  /** Holds the transaction's last statement (its result unread) to go out with COMMIT. */
  atCommit(sql: string, params: readonly unknown[]): void {
    this.last = { sql, params };
  }

  /**
   * COMMIT, with the held last statement: its result (`command` is ROLLBACK for a transaction an
   * earlier error doomed), or undefined when nothing was ever sent (nothing to commit).
   */
  async commit(durable: boolean): Promise<PgResultLike | undefined> {
    this.checkTurn();
    const last = this.last;
    this.last = undefined;
    const guard = this.options.guard;
    const tail = durable ? 'SET LOCAL synchronous_commit = on; COMMIT' : 'COMMIT';
    if (guard) return this.guardedCommit(guard, last, tail);
    if (this.begin !== undefined && !last) return undefined;
    if (this.begin !== undefined) await this.sendBegin(undefined);
    const text = last && (await this.executable(last.sql, last.params));
    if (last && text === undefined) await this.q.run(last.sql, last.params);
    return lastOf(await this.q.send({ text: text === undefined ? tail : `${text}; ${tail}` }));
  }

  /**
   * COMMIT behind the guard (which fails unless the volume's lock was granted and the caller's
   * assumption holds), with the held last statement and, when nothing was sent yet, BEGIN: a
   * transaction that read nothing commits in one round trip. Sent even with nothing to write, so
   * the guard vouches for what the transaction was given instead of reading.
   */
  private async guardedCommit(guard: { sql: string; params: readonly unknown[] }, last: { sql: string; params: readonly unknown[] } | undefined, tail: string): Promise<PgResultLike> {
    const guardText = await this.executable(guard.sql, guard.params);
    const text = last && (await this.executable(last.sql, last.params));
    const head: string[] = [];
    if (this.begin !== undefined && guardText !== undefined && (!last || text !== undefined)) {
      head.push(this.begin);
      this.begin = undefined;
    }
    if (this.begin !== undefined) await this.sendBegin(undefined);
    if (guardText === undefined) await this.q.run(guard.sql, guard.params);
    else head.push(guardText);
    if (last && text === undefined) await this.q.run(last.sql, last.params);
    return lastOf(await this.q.send({ text: [...head, ...(text === undefined ? [] : [text]), tail].join('; ') }));
  }

  private async statement(sql: string, params: readonly unknown[]): Promise<PgResultLike> {
    this.checkTurn();
    if (this.begin === undefined) return this.q.sendStatement(sql, params);
    const text = await this.executable(sql, params);
    if (text === undefined) {
      await this.sendBegin(undefined);
      return this.q.sendStatement(sql, params);
    }
    return this.sendBegin(text);
  }

  /** BEGIN and the lock try, with `text` after them when given (its result returned). */
  private async sendBegin(text: string | undefined): Promise<PgResultLike> {
    const begin = this.begin!;
    this.begin = undefined;
    const sent = (await this.q.send({ text: text === undefined ? begin : `${begin}; ${text}` })) as unknown as PgResultLike[];
    if (sent[1]?.rows[0]?.granted === false) {
      this.turnTaken = true;
      this.checkTurn();
    }
    return lastOf(sent);
  }

  private checkTurn(): void {
    if (this.turnTaken) throw new TurnTaken();
  }
}
