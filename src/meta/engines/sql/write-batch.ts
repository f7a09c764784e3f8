import type { SqlQuerier } from './dialect.js';

interface PendingWrite {
  /** The tables it touches: the row's, or a group's. */
  tables: readonly string[];
  /** The table and the row's key. */
  key: string;
  sql: string;
  params: readonly unknown[];
  /** A group's own WITH clauses, named in `sql` and each other as `{name}` (laterGroup). */
  clauses?: ReadonlyArray<readonly [name: string, sql: string]>;
}

/** A held write group's statement: its clauses, then its main statement, `{name}` naming a clause. */
export interface WriteGroup {
  clauses: ReadonlyArray<readonly [name: string, sql: string]>;
  sql: string;
  /** The parameters of the clauses, in order, then of `sql`. */
  params: readonly unknown[];
}

/** A group's clauses as `<prefix><name> AS (…)` and its main statement, each `{name}` renamed so. */
function renderGroup(group: Pick<WriteGroup, 'clauses' | 'sql'>, prefix: string): { clauses: string[]; main: string } {
  const named = (sql: string) => sql.replace(/\{(\w+)\}/g, (_, name: string) => `${prefix}${name}`);
  return { clauses: group.clauses.map(([name, sql]) => `${prefix}${name} AS (${named(sql)})`), main: named(group.sql) };
}

/** A group as one statement of its own (outside a batch). */
export function groupStatement(group: WriteGroup): string {
  const { clauses, main } = renderGroup(group, '');
  return `WITH ${clauses.join(', ')} ${main}`;
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
   * it, or with `merge`, combined with it (its parameters from the held write's). A held group
   * on the table (laterGroup) goes out first: it may change the same row.
   */
  async later(
    table: string,
    row: string,
    sql: string,
    params: readonly unknown[],
    merge?: (held: readonly unknown[]) => readonly unknown[],
  ): Promise<void> {
    if (this.pending.some((w) => w.clauses && w.tables.includes(table))) await this.flush();
    const key = `${table} ${row}`;
    const at = this.pending.findIndex((w) => w.key === key);
    if (at < 0) this.pending.push({ tables: [table], key, sql, params });
    else this.pending[at] = { tables: [table], key, sql, params: merge ? merge(this.pending[at]!.params) : params };
  }

  /**
   * Holds a write that adds one new row to `table` and reads only that table (an append numbered
   * after the rows there): held writes to the table go out first, so it reads them, and the
   * next write to the table waits for the next flush (the sub-statements of one WITH cannot see
   * each other's rows).
   */
  async laterAppend(table: string, sql: string, params: readonly unknown[]): Promise<void> {
    if (this.touches([table])) await this.flush();
    this.pending.push({ tables: [table], key: `${table} +${this.pending.length}`, sql, params });
  }

  /**
   * Holds a statement with WITH clauses of its own that touches only `tables` and whose result
   * nobody reads (a file's chunks deleted and the slices they freed queued): held writes to those
   * tables go out first, and the next statement on them waits for the next flush, so it decides
   * its rows alone as a single-row write does.
   */
  async laterGroup(tables: readonly string[], group: WriteGroup): Promise<void> {
    if (this.touches(tables)) await this.flush();
    this.pending.push({ tables, key: `${tables.join(',')} +${this.pending.length}`, sql: group.sql, params: group.params, clauses: group.clauses });
  }

  private touches(tables: readonly string[]): boolean {
    return this.pending.some((w) => w.tables.some((t) => tables.includes(t)));
  }

  /** A querier for statements that read and write only `tables`: it sends the held writes first only when one is on them. */
  on(tables: readonly string[]): SqlQuerier {
    const flushFirst = () => (this.touches(tables) ? this.flush() : undefined);
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
    const writes: PendingWrite[] = this.tail ? [...this.pending, { ...this.tail, tables: [], key: '' }] : this.pending;
    if (!writes.length) return;
    this.pending = [];
    this.tail = undefined;
    // Each write's clauses (named w<i>_<name>), then the write itself as w<i>, the last one as the main statement.
    const parts = writes.map((w, i) => (w.clauses ? renderGroup({ clauses: w.clauses, sql: w.sql }, `w${i}_`) : { clauses: [], main: w.sql }));
    const clauses = parts.flatMap((p, i) => [...p.clauses, ...(i < parts.length - 1 ? [`w${i} AS (${p.main})`] : [])]);
    const main = parts[parts.length - 1]!.main;
    const sql = clauses.length ? `WITH ${clauses.join(', ')} ${main}` : main;
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
