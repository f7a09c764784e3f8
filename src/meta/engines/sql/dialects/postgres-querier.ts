import type { SqlQuerier } from '../dialect.js';
import type { PgPoolLike, PgResultLike, PgStatement } from './postgres-connection.js';
import { postgresError, RETRYABLE, sqlState } from './postgres-errors.js';

/** What every PostgreSQL engine in this process has done, for benchmarks and diagnostics. */
const activity = { statements: 0, retries: {} as Record<string, number>, mostAttempts: 0 };

/**
 * A snapshot of this process's PostgreSQL activity: statements that operations sent (= round trips,
 * BEGIN and COMMIT included; not the watch lease's reads, which run in the background once a
 * second, whatever the operation), transaction retries by SQLSTATE, and the most attempts one
 * transaction took.
 */
export function postgresActivity(): { statements: number; retries: Record<string, number>; mostAttempts: number } {
  return { ...activity, retries: { ...activity.retries } };
}

/** Records one transaction attempt, and the conflict that makes it run again. */
export function recordAttempt(attempt: number, conflict?: string): void {
  activity.mostAttempts = Math.max(activity.mostAttempts, attempt);
  if (conflict) activity.retries[conflict] = (activity.retries[conflict] ?? 0) + 1;
}

/** `?` placeholders outside string literals (a quoted string is matched whole and kept). */
const PLACEHOLDER = /'(?:[^']|'')*'|\?/g;

/** Distinct SQL texts prepared per connection; texts built with variable IN lists could otherwise grow without bound. */
const MAX_PREPARED = 256;

/** Rewrites `?` placeholders (outside string literals) to `$1, $2, …` once per SQL text, and names it so each connection prepares it once. */
export class StatementCache {
  private readonly byText = new Map<string, { name: string; text: string }>();

  statement(sql: string, params: readonly unknown[]): PgStatement {
    let s = this.byText.get(sql);
    if (!s) {
      let n = 0;
      const text = sql.replace(PLACEHOLDER, (m) => (m === '?' ? `$${++n}` : m));
      if (this.byText.size >= MAX_PREPARED) return { text, values: [...params] };
      this.byText.set(sql, (s = { name: `slicefs_${this.byText.size + 1}`, text }));
    }
    return { name: s.name, text: s.text, values: [...params] };
  }
}

/** Runs statements on the pool (reads) or on one checked-out client (a transaction attempt). */
export class PgQuerier implements SqlQuerier {
  constructor(
    private readonly target: Pick<PgPoolLike, 'query'>,
    private readonly options: { statements: StatementCache; attempt?: { conflict?: string }; background?: boolean },
  ) {}

  /** Sends one statement (several, for a simple query without values); driver errors become FsErrors. */
  async send(statement: PgStatement): Promise<PgResultLike> {
    if (!this.options.background) activity.statements++;
    try {
      return await this.target.query(statement);
    } catch (err) {
      const code = sqlState(err);
      // Remembered even if the caller swallows the error: the transaction is doomed and must run again.
      if (this.options.attempt && code && RETRYABLE.has(code)) this.options.attempt.conflict = code;
      throw postgresError(err);
    }
  }
  /** Sends one statement with `?` placeholders, prepared once per connection. */
  sendStatement(sql: string, params: readonly unknown[] = []): Promise<PgResultLike> {
    return this.send(this.options.statements.statement(sql, params));
  }
  async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.sendStatement(sql, params)).rows as R[];
  }
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.sendStatement(sql, params)).rowCount ?? 0;
  }
}
