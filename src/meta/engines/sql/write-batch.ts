import type { SqlQuerier } from './dialect.js';

interface PendingWrite {
  /** The table the row is in. */
  table: string;
  /** The table and the row's key. */
  key: string;
  sql: string;
  params: readonly unknown[];
}

/**
 * A transaction's querier that holds back single-row writes and sends them together, as one
 * statement of data-modifying WITH clauses (PostgreSQL), before the transaction's next other
 * statement or at `flush()`: a create's four writes cost one round trip instead of four.
 *
 * Sound because every held write touches only the row its key names, and decides that row's
 * final state by itself (an upsert of the whole row, or a delete), or merges into the held
 * write of its row (`merge`, for counters): the sub-statements of one WITH run in no set order
 * on one snapshot, and PostgreSQL applies only one of two changes to one row in one statement,
 * so at most one write per row may be held. Anything else goes out after the held writes, so
 * it sees them, except a statement sent through `on(tables)`: it touches only those tables, so
 * held writes to other tables stay held (statements on disjoint tables commute).
 */
export class WriteBatch implements SqlQuerier {
  private pending: PendingWrite[] = [];
  private tail: { sql: string; params: readonly unknown[] } | undefined;

  constructor(private readonly q: SqlQuerier) {}

  /**
   * Holds a write of the row `row` names in `table`. A held write of the same row is replaced by
   * it, or with `merge`, combined with it (its parameters from the held write's).
   */
  later(
    table: string,
    row: string,
    sql: string,
    params: readonly unknown[],
    merge?: (held: readonly unknown[]) => readonly unknown[],
  ): void {
    const key = `${table} ${row}`;
    const at = this.pending.findIndex((w) => w.key === key);
    if (at < 0) this.pending.push({ table, key, sql, params });
    else this.pending[at] = { table, key, sql, params: merge ? merge(this.pending[at]!.params) : params };
  }

  /**
   * Holds a write that adds one new row to `table` and reads only that table (an append numbered
   * after the rows there): held writes to the table go out first, so it reads them, and the
   * next write to the table waits for the next flush (the sub-statements of one WITH cannot see
   * each other's rows).
   */
  async laterAppend(table: string, sql: string, params: readonly unknown[]): Promise<void> {
    if (this.pending.some((w) => w.table === table)) await this.flush();
    this.pending.push({ table, key: `${table} +${this.pending.length}`, sql, params });
  }

  /** A querier for statements that read and write only `tables`: it sends the held writes first only when one is on them. */
  on(tables: readonly string[]): SqlQuerier {
    const flushFirst = () => (this.pending.some((w) => tables.includes(w.table)) ? this.flush() : undefined);
    return {
      all: async <R>(sql: string, params?: readonly unknown[]) => (await flushFirst(), this.q.all<R>(sql, params)),
      run: async (sql: string, params?: readonly unknown[]) => (await flushFirst(), this.q.run(sql, params)),
    };
  }

  /**
   * A querier whose statement (a SELECT whose rows nobody reads, such as NOTIFY's) goes out with
   * the held writes at the next flush, as the main statement after them: no round trip of its own.
   */
  atEnd(): SqlQuerier {
    const hold = async (sql: string, params: readonly unknown[] = []) => void (this.tail = { sql, params });
    return { all: async <R>(sql: string, params?: readonly unknown[]) => (await hold(sql, params), [] as R[]), run: async (sql, params) => (await hold(sql, params), 0) };
  }

  /**
   * Sends the held writes: alone, or as `WITH w0 AS (…), w1 AS (…) last` (the `atEnd` statement
   * last when there is one). `final`: the transaction's last statement, to go with its COMMIT
   * where the querier can hold it (`atCommit`).
   */
  async flush(final = false): Promise<void> {
    const writes = this.tail ? [...this.pending, { ...this.tail, table: '', key: '' }] : this.pending;
    if (!writes.length) return;
    this.pending = [];
    this.tail = undefined;
    const last = writes[writes.length - 1]!;
    const sql = writes.length === 1 ? last.sql : `WITH ${writes.slice(0, -1).map((w, i) => `w${i} AS (${w.sql})`).join(', ')} ${last.sql}`;
    const params = writes.flatMap((w) => w.params);
    if (final && this.q.atCommit) this.q.atCommit(sql, params);
    else await this.q.run(sql, params);
  }

  async all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    await this.flush();
    return this.q.all<R>(sql, params);
  }

  async run(sql: string, params?: readonly unknown[]): Promise<number> {
    await this.flush();
    return this.q.run(sql, params);
  }
}
