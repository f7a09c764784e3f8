import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CodedError, FsError, urlBody } from '../../../../errors/index.js';
import type { Engine, EngineOpenOptions, TxnOptions } from '../../../engine.js';
import { SerialQueue } from '../../../../concurrency/serial-queue.js';
import type { SqlDialect, SqlQuerier } from '../dialect.js';
import { SqlEngine } from '../sql-engine.js';
import { PolledChangeLog } from '../change-log.js';
import { checkDatabaseWritable } from './sqlite-access.js';
import { Checkpointer } from './sqlite-checkpointer.js';

/** The slice of better-sqlite3's statement this dialect uses. */
interface StatementLike {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
  readonly reader: boolean;
  /** Rows as arrays of the column values (on a reader). */
  raw(on: boolean): StatementLike;
  columns(): { name: string }[];
}

/** The slice of better-sqlite3 this dialect uses. */
interface SqliteLike {
  prepare(sql: string): StatementLike;
  exec(sql: string): void;
  readonly inTransaction: boolean;
  pragma(sql: string): unknown;
  close(): void;
  /** The database file's path. */
  readonly name: string;
}

const READ_BUSY_TIMEOUT_MS = 5_000;
/** How long a transaction waits for another process's write lock before failing with EAGAIN. */
const WRITE_LOCK_WAIT_MS = 60_000;

/** One queue per database file in this process: SQLite has one writer, and waiting on it must not block the event loop. */
const fileQueues = new Map<string, SerialQueue>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isBusy = (err: unknown) => String((err as { code?: string }).code ?? '').startsWith('SQLITE_BUSY');

/** One driver error as an FsError (the one mapping at this boundary). */
function sqliteError(err: unknown, file?: string): unknown {
  if (err instanceof FsError) return err;
  const code = String((err as { code?: string }).code ?? '');
  if (code === 'SQLITE_READONLY_DIRECTORY') {
    // A WAL database is read through its -shm file, which SQLite must create when it is missing.
    const who = `uid ${process.getuid?.() ?? '?'}`;
    const detail = `SQLite reads the metadata database through its -shm file, and ${who} may not create one in its directory`;
    return new FsError('EACCES', { syscall: 'sqlite', path: file, detail, cause: err });
  }
  const errno = code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') ? 'EAGAIN'
    : code === 'SQLITE_FULL' ? 'ENOSPC'
    : code.startsWith('SQLITE_READONLY') ? 'EROFS'
    : code.startsWith('SQLITE_CONSTRAINT') ? 'EEXIST'
    : 'EIO';
  return new FsError(errno, { syscall: 'sqlite', detail: (err as Error).message, cause: err });
}

/**
 * A prepared statement. A reader returns its rows as arrays (better-sqlite3's raw mode), made
 * objects by `row`, an object literal of its columns built once: the driver's own row objects
 * cost half as much again per read, 5–6 µs for the 32 columns of a joined entry read
 * (docs/benchmarks.md, "SQLite rows as object literals").
 */
interface Prepared {
  statement: StatementLike;
  row: ((values: unknown[]) => unknown) | undefined;
}

function prepare(db: SqliteLike, sql: string): Prepared {
  const statement = db.prepare(sql);
  if (!statement.reader) return { statement, row: undefined };
  statement.raw(true);
  // Later columns of the same name win, as in the driver's own objects.
  const fields = statement.columns().map((c, i) => `${JSON.stringify(c.name)}: v[${i}]`);
  return { statement, row: new Function('v', `return { ${fields.join(', ')} };`) as Prepared['row'] };
}

/** Runs statements on one connection, caching prepared statements. */
class Connection implements SqlQuerier {
  private readonly cache = new Map<string, Prepared>();
  constructor(readonly db: SqliteLike) {}

  private stmt(sql: string): Prepared {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = prepare(this.db, sql)));
    return s;
  }
  async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      const { statement, row } = this.stmt(sql);
      if (!row) return (statement.run(...params), []);
      const rows = statement.all(...params);
      for (let i = 0; i < rows.length; i++) rows[i] = row(rows[i] as unknown[]);
      return rows as R[];
    } catch (err) {
      throw sqliteError(err, this.db.name);
    }
  }
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    try {
      const { statement } = this.stmt(sql);
      if (statement.reader) return statement.all(...params).length;
      return statement.run(...params).changes;
    } catch (err) {
      throw sqliteError(err, this.db.name);
    }
  }
  /** True when `sql` only reads (a prepare error is left for the statement's own run to report). */
  reads(sql: string): boolean {
    try {
      return this.stmt(sql).statement.reader;
    } catch {
      return false;
    }
  }
}

/**
 * Reads outside transactions. A read on the writer connection while no transaction is open on
 * it sees exactly what the reader connection would (the last commit), but from a warm page cache:
 * SQLite drops a connection's whole cache when another connection has written since its last
 * read, so the reader re-reads the hot pages (most of them still in the WAL) after every commit.
 * While a transaction is open on the writer (between its awaits), reads go to the reader so they
 * never see uncommitted rows.
 */
class ReadRouter implements SqlQuerier {
  constructor(
    private readonly writer: Connection,
    readonly reader: Connection,
  ) {}
  private pick(sql: string): Connection {
    return !this.writer.db.inTransaction && this.writer.reads(sql) ? this.writer : this.reader;
  }
  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.pick(sql).all<R>(sql, params);
  }
  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.pick(sql).run(sql, params);
  }
}

/** SQLite through better-sqlite3: WAL, a writer connection for transactions and a reader for the rest. */
class SqliteDialect implements SqlDialect {
  readonly scheme = 'sqlite3';
  readonly types = { int: 'INTEGER', blob: 'BLOB', clustered: ' WITHOUT ROWID' };
  readonly features = { writableCte: false, analyzeTempTables: false, roundTrips: false, counterShards: 1 };
  private readonly writer: Connection | undefined;
  readonly reader: SqlQuerier;
  private readonly readConnection: Connection;
  readonly changes: PolledChangeLog;
  private readonly queue: SerialQueue;
  private readonly checkpointer: Checkpointer | undefined;

  /** `readOnly` opens one query-only connection: no writer, no checkpoints, nothing written to the file or beside it. */
  constructor(
    private readonly file: string,
    readOnly = false,
  ) {
    let queue = fileQueues.get(file);
    if (!queue) fileQueues.set(file, (queue = new SerialQueue()));
    this.queue = queue;
    const open = (readonly: boolean) => {
      const db = new Database(file, { readonly, fileMustExist: readonly }) as unknown as SqliteLike;
      db.pragma(`busy_timeout = ${readonly ? READ_BUSY_TIMEOUT_MS : 0}`);
      // The default 2 MiB page cache makes every large set-based statement read pages back from the OS.
      db.pragma('cache_size = -131072');
      db.pragma('mmap_size = 1073741824');
      return db;
    };
    if (readOnly) {
      // Not a `readonly` connection: SQLite would create -wal/-shm files beside a WAL database and,
      // unable to checkpoint, leave them. A query-only connection writes nothing, and as the last
      // connection it removes those files on close (so an empty file stays an empty file).
      const db = new Database(file, { fileMustExist: true }) as unknown as SqliteLike;
      db.pragma(`busy_timeout = ${READ_BUSY_TIMEOUT_MS}`);
      db.pragma('query_only = ON');
      this.reader = this.readConnection = new Connection(db);
      this.changes = new PolledChangeLog(this.readConnection);
      return;
    }
    const w = open(false);
    w.pragma('journal_mode = WAL');
    // NORMAL: a commit is consistent but not synced (the page cache's durability, as a local file
    // system without fsync); a durable transaction switches to FULL for its commit.
    w.pragma('synchronous = NORMAL');
    w.pragma(`wal_autocheckpoint = ${Checkpointer.BACKSTOP_PAGES}`);
    // Temp tables (clone's scratch rows) stay in this connection's memory.
    w.pragma('temp_store = MEMORY');
    // Without the worker, the writer checkpoints in its commits again, at SQLite's default.
    this.checkpointer = new Checkpointer(file, { onFailure: () => w.pragma('wal_autocheckpoint = 1000') });
    this.writer = new Connection(w);
    this.readConnection = new Connection(open(true));
    this.reader = new ReadRouter(this.writer, this.readConnection);
    this.changes = new PolledChangeLog(this.readConnection, (fn) => this.transaction(fn));
  }

  private writable(): Connection {
    if (!this.writer) throw new FsError('EROFS', { syscall: 'sqlite', path: this.file, detail: 'opened read-only' });
    return this.writer;
  }

  transaction<T>(fn: (q: SqlQuerier, guarded: boolean) => Promise<T>, options?: TxnOptions): Promise<T> {
    return this.queue.run(async () => {
      const writer = this.writable();
      // FULL syncs the WAL at this COMMIT, and with it the frames of earlier NORMAL commits.
      const durable = options?.durable === true;
      if (durable) writer.db.pragma('synchronous = FULL');
      try {
        await this.begin(writer);
        try {
          const result = await fn(writer, false);
          writer.db.exec('COMMIT');
          this.checkpointer?.poke();
          return result;
        } catch (err) {
          try {
            writer.db.exec('ROLLBACK');
          } catch {
            // already rolled back by SQLite
          }
          throw sqliteError(err);
        }
      } finally {
        if (durable) writer.db.pragma('synchronous = NORMAL');
      }
    });
  }

  /**
   * A read transaction on a connection of its own (WAL: the writer goes on; checkpoints cannot
   * pass the snapshot until it ends). Its first read fixes the snapshot.
   */
  async snapshot<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T> {
    let db: SqliteLike;
    try {
      db = new Database(this.file, { readonly: true, fileMustExist: true }) as unknown as SqliteLike;
      db.pragma(`busy_timeout = ${READ_BUSY_TIMEOUT_MS}`);
      db.pragma('cache_size = -65536');
      db.exec('BEGIN');
    } catch (err) {
      throw sqliteError(err);
    }
    try {
      const result = await fn(new Connection(db));
      db.exec('COMMIT');
      return result;
    } finally {
      db.close();
    }
  }

  /** BEGIN IMMEDIATE, waiting asynchronously (with jittered backoff) while another process writes. */
  private async begin(writer: Connection): Promise<void> {
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        writer.db.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() > deadline) throw sqliteError(err);
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
      }
    }
  }

  async exec(ddl: string) {
    await this.queue.run(async () => this.writable().db.exec(ddl));
  }

  isMissingTable(err: unknown): boolean {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code === 'SQLITE_ERROR' && /^no such table/.test(cause.message ?? '');
  }

  async stats() {
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    return { storageBytes: size(this.file) + size(`${this.file}-wal`), description: `SQLite ${this.file}` };
  }

  async close() {
    await this.checkpointer?.close();
    await this.queue.run(async () => {
      this.readConnection.db.close();
      this.writer?.db.close();
    });
  }

  async destroy() {
    await this.close();
    for (const f of [this.file, `${this.file}-wal`, `${this.file}-shm`]) rmSync(f, { force: true });
  }
}

/** The database file of `sqlite3:///abs/vol.db` or `sqlite3://./relative/vol.db`. */
export function sqliteFile(url: string): string {
  const { body } = urlBody(url);
  if (!body) throw new CodedError('ERR_BAD_URL', `${url}: sqlite3:// URL has no file path`, { subject: url });
  return path.resolve(decodeURIComponent(body));
}

/** Opens a SQLite volume; only `format` may create the file. */
export async function openSqliteEngine(url: string, options: EngineOpenOptions): Promise<Engine> {
  const file = sqliteFile(url);
  if (!existsSync(file)) {
    if (!options.create) throw new CodedError('ERR_NOT_FORMATTED', `${url}: no volume here (${file} does not exist; run slicefs format first)`, { subject: url });
    mkdirSync(path.dirname(file), { recursive: true });
  } else if (!options.readOnly) checkDatabaseWritable(file);
  try {
    return new SqlEngine(new SqliteDialect(file, options.readOnly));
  } catch (err) {
    throw new CodedError('ERR_ENGINE', `${url}: cannot open SQLite database: ${(err as Error).message}`, { subject: url, cause: err });
  }
}
