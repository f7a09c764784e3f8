import pg from 'pg';
import { CodedError, redactUrl } from '../../../../errors/index.js';

/** One statement as pg takes it: `$n` placeholders, an optional name to prepare it once per connection. */
export interface PgStatement {
  text: string;
  values?: unknown[];
  name?: string;
}

/** What pg returns for a statement (`command` is the tag: `COMMIT`, or `ROLLBACK` for a doomed transaction). */
export interface PgResultLike {
  rows: Array<Record<string, unknown>>;
  rowCount: number | null;
  command: string;
}

/** The slice of a pg client this dialect uses. */
export interface PgClientLike {
  /** Runs one statement. */
  query(statement: PgStatement): Promise<PgResultLike>;
  /** Gives the client back to the pool; an error destroys it instead. */
  release(err?: Error): void;
}

/** The slice of pg.Pool this dialect uses. */
export interface PgPoolLike {
  /** Runs one statement on any pooled connection. */
  query(statement: PgStatement): Promise<PgResultLike>;
  /** Checks out one connection (for a transaction). */
  connect(): Promise<PgClientLike>;
  /** Closes every connection. */
  end(): Promise<void>;
}

/** Where a PostgreSQL volume lives, parsed from its metadata URL. */
export interface PostgresTarget {
  host: string | undefined;
  port: number | undefined;
  user: string | undefined;
  password: string | undefined;
  database: string;
  /** The schema holding the volume's tables (`public` unless `?schema=`). */
  schema: string;
  /** Connections in the pool. */
  poolSize: number;
  ssl: boolean | { rejectUnauthorized: boolean } | undefined;
  /** The URL without its password, for messages. */
  display: string;
}

const DEFAULT_POOL_SIZE = 10;
const QUERY_OPTIONS = ['schema', 'pool', 'sslmode'];
/** Unquoted identifiers only: the schema goes into `search_path` as a startup option, unescaped. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;
/** Row-lock waits longer than this end in a retry (a deadlock would otherwise wait for the server's deadlock_timeout, 1 s). */
export const LOCK_TIMEOUT_MS = 100;
/** A client that stops in the middle of a transaction (frozen, partitioned) loses it, and its locks, after this. */
const IDLE_IN_TRANSACTION_MS = 60_000;

/** BIGINT columns as JS numbers (every slicefs integer is below 2^53); set on this pool only, never globally. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Parses `postgres://user[:pass]@host[:port]/db[?schema=NAME&pool=N&sslmode=MODE]`. */
export function parsePostgresUrl(url: string): PostgresTarget {
  const bad = (why: string) => new CodedError('ERR_BAD_URL', `${redactUrl(url)}: ${why}`, { subject: redactUrl(url) });
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a valid postgres:// URL');
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw bad('no database name (expected postgres://user@host:5432/db)');
  for (const key of u.searchParams.keys()) {
    if (!QUERY_OPTIONS.includes(key)) throw bad(`unknown option '${key}' (supported: ${QUERY_OPTIONS.join(', ')})`);
  }
  const schema = (u.searchParams.get('schema') ?? 'public').toLowerCase();
  if (!SCHEMA_NAME.test(schema)) throw bad(`schema '${schema}' must be letters, digits and _ (not starting with a digit)`);
  const poolText = u.searchParams.get('pool');
  const poolSize = poolText === null ? DEFAULT_POOL_SIZE : Number(poolText);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) throw bad(`pool=${poolText} must be an integer from 1 to 1000`);
  const sslmode = u.searchParams.get('sslmode') ?? 'disable';
  const ssl = { disable: undefined, require: { rejectUnauthorized: false }, 'verify-full': true }[sslmode];
  if (!['disable', 'require', 'verify-full'].includes(sslmode)) throw bad(`sslmode=${sslmode} must be disable, require or verify-full`);
  const host = decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1');
  return {
    host: host || undefined,
    port: u.port ? Number(u.port) : undefined,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database,
    schema,
    poolSize,
    ssl,
    display: redactUrl(url),
  };
}

/** A pg.Pool for a target: BIGINT as number, `search_path` set at connection startup (no extra round trip). */
export function createPool(target: PostgresTarget, database = target.database): PgPoolLike {
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
    ssl: target.ssl,
    max: target.poolSize,
    types,
    // standard_conforming_strings: EXECUTE's inlined values escape only quotes (postgres-literals.ts).
    // synchronous_commit off: a commit waits for its WAL write, not its flush, unless durable
    // (fsync: TxnOptions): as durable as SQLite's NORMAL commits (DESIGN: without fsync, as
    // durable as the page cache). A waited-for flush was 20 % of a create (mknod 946-1001 µs -> 721-831).
    options: `-c search_path=${target.schema} -c standard_conforming_strings=on -c synchronous_commit=off -c lock_timeout=${LOCK_TIMEOUT_MS} -c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
    application_name: 'slicefs',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its server, idle or checked out, must not crash the process: the query in
  // flight (or the next one) reports it, and the pool replaces the client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool as unknown as PgPoolLike;
}

/** `"name"` with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
