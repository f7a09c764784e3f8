/** How a dialect spells column types and table options. */
export interface SqlTypes {
  /** Integers up to 2^53. */
  int: string;
  /** Byte strings. */
  blob: string;
  /** Appended to tables keyed by a composite primary key to store rows in key order (SQLite: WITHOUT ROWID). */
  clustered?: string;
  /**
   * How clone's scratch tables (rows that live only inside one transaction) are kept. TEMP: private
   * to a connection, created by the dialect on its writer, never written to the log (SQLite).
   * UNLOGGED: in the schema, shared, skipping the write-ahead log (PostgreSQL).
   */
  scratch: 'TEMP' | 'UNLOGGED';
}

/** What a database can do beyond the SQL every dialect shares. */
export interface SqlFeatures {
  /** Data-modifying statements in WITH (PostgreSQL): several writes in one round trip. */
  writableCte: boolean;
}

/** Runs SQL with `?` placeholders on one connection or transaction. */
export interface SqlQuerier {
  /** Rows of a query. */
  all<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement; returns the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
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
  /** Runs `fn` in one serializable transaction, retrying it on conflicts. */
  transaction<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T>;
  /** A querier for reads of committed state (and single-statement writes). */
  readonly reader: SqlQuerier;
  /** Runs schema statements (CREATE TABLE …). */
  exec(ddl: string): Promise<void>;
  /** Bytes the database takes on disk, and a description. */
  stats(): Promise<{ storageBytes: number; description: string }>;
  /** Closes connections. */
  close(): Promise<void>;
}
