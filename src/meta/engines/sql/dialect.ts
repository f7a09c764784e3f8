import type { TxnOptions } from '../../engine.js';
import type { ChangeSubscription } from '../../change.js';

/** How a dialect spells column types and table options. */
export interface SqlTypes {
  /** Integers up to 2^53. */
  int: string;
  /** Byte strings. */
  blob: string;
  /** Appended to tables keyed by a composite primary key to store rows in key order (SQLite: WITHOUT ROWID). */
  clustered?: string;
  /**
   * Storage parameters of the table whose rows change most (slice reference counts). PostgreSQL:
   * `fillfactor = 50` leaves room in each page, so an update can stay in its page (a HOT update,
   * with no new index entry): 20,000 reference updates took 18 ms instead of 78–114 ms.
   */
  updatedOften?: string;
  /** Appended to CREATE TEMP TABLE: what happens to its rows at COMMIT (PostgreSQL: ON COMMIT DELETE ROWS). */
  tempTable?: string;
}

/** What a database can do beyond the SQL every dialect shares. */
export interface SqlFeatures {
  /** Data-modifying statements in WITH (PostgreSQL): several writes in one round trip. */
  writableCte: boolean;
  /**
   * The planner needs ANALYZE to know how many rows a TEMP table holds (PostgreSQL: without it,
   * it guesses a few dozen and plans clone's joins with 20,000 rows as nested loops).
   */
  analyzeTempTables: boolean;
  /**
   * Every statement is a round trip to a server (PostgreSQL): a read of several rows of different
   * tables is cheaper as one joined statement. In-process SQLite builds each row's object column
   * by column, so rows that repeat a joined row cost more than a second statement (a directory
   * page of 7 entries: 95 µs joined, 58 µs as nine statements).
   */
  roundTrips: boolean;
  /**
   * Rows each usage counter is spread over (counter-shards.ts): more than one where concurrent
   * transactions that add to one row conflict (PostgreSQL's serializable isolation); 1 where
   * writers take turns anyway (SQLite).
   */
  counterShards: number;
}

/** Runs SQL with `?` placeholders on one connection or transaction. */
export interface SqlQuerier {
  /** Rows of a query. */
  all<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement; returns the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Optional, in a transaction: holds its last statement (nothing may follow; its result is not
   * read) to go out with COMMIT (PostgreSQL: in the same round trip). Without it, `run`.
   */
  atCommit?(sql: string, params: readonly unknown[]): void;
}

/**
 * What differs between SQL databases, and nothing else: connections, transactions with
 * their retry rule, column types, error mapping and storage size. Everything else — schema,
 * queries, set-based work — is shared by the SQL engine.
 */
export interface SqlDialect {
  /** URL scheme (`sqlite3`, `postgres`). */
  readonly scheme: string;
  /** Column type names: integers up to 2^53 and byte strings. */
  readonly types: SqlTypes;
  /** SQL the shared queries may use where the database has it. */
  readonly features: SqlFeatures;
  /**
   * Runs `fn` in one serializable transaction, retrying it on conflicts (`durable`: see
   * TxnOptions). With `guard` a dialect may make an attempt's commit conditional on it (`fn` is
   * told, `guarded`): the attempt commits only if the condition holds, checked in COMMIT's round
   * trip; if not, it runs again unguarded. SQLite ignores it.
   */
  transaction<T>(fn: (q: SqlQuerier, guarded: boolean) => Promise<T>, options?: TxnOptions & { guard?: CommitGuard }): Promise<T>;
  /**
   * Runs `fn` in one read-only transaction on its own connection: every read sees the same
   * snapshot, and writers on other connections go on meanwhile.
   */
  snapshot<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T>;
  /** A querier for reads of committed state (and single-statement writes). */
  readonly reader: SqlQuerier;
  /** How committed changes reach other clients (watch): NOTIFY, or a polled log. */
  readonly changes: SqlChangeFeed;
  /**
   * Optional: `update` (an UPDATE whose text ends with its WHERE clause) as a transaction of its
   * own in one round trip, publishing `payload` if it changed a row: the rows it changed, or
   * undefined when a conflict rolled it back or a transaction running alone holds the volume
   * (nothing written; the caller takes its usual way). Without it, a `transaction` of the update.
   */
  updateAlone?(update: string, params: readonly unknown[], payload: string | undefined): Promise<number | undefined>;
  /** Runs schema statements (CREATE TABLE …). */
  exec(ddl: string): Promise<void>;
  /** True when `err` (as a querier threw it) says a table does not exist: a database with no volume's schema. */
  isMissingTable(err: unknown): boolean;
  /** Bytes the database takes on disk, and a description. */
  stats(): Promise<{ storageBytes: number; description: string }>;
  /** Closes connections. */
  close(): Promise<void>;
  /** Closes connections and removes the volume's tables (and its file or schema). */
  destroy(tables: readonly string[]): Promise<void>;
}

/** A condition (SQL with `?` placeholders, true or false) a transaction's commit may be made conditional on. */
export interface CommitGuard {
  condition: string;
  params: readonly unknown[];
}

/** How a SQL database carries committed transactions' changes to other clients (watch). */
export interface SqlChangeFeed {
  /** Inside a transaction: publishes `payload` (encoded changes), to be seen once it commits. */
  publish(q: SqlQuerier, payload: string): Promise<void>;
  /** Delivers every payload committed from now on, in commit order. */
  subscribe(listener: (payload: string) => void): Promise<ChangeSubscription>;
}
