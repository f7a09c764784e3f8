import { CodedError } from '../../../../errors/index.js';
import type { Engine, EngineOpenOptions } from '../../../engine.js';
import type { CommitGuard, SqlDialect, SqlQuerier } from '../dialect.js';
import { TABLES } from '../schema.js';
import { SqlEngine } from '../sql-engine.js';
import { createPool, parsePostgresUrl, type PgClientLike, type PgPoolLike, type PostgresTarget, quoteIdentifier } from './postgres-connection.js';
import { postgresError, sqlState } from './postgres-errors.js';
import { PgQuerier, StatementCache } from './postgres-querier.js';
import { PostgresTransactions } from './postgres-transaction.js';
import type { TxnOptions } from '../../../engine.js';
import { PostgresChangeFeed } from './postgres-changes.js';

export { postgresActivity } from './postgres-querier.js';

/** PostgreSQL through a pg.Pool: serializable transactions retried on conflicts (postgres-transaction.ts), reads on any pooled connection. */
export class PostgresDialect implements SqlDialect {
  readonly scheme = 'postgres';
  // A pooled connection lives long and PostgreSQL never vacuums temp tables: empty them at COMMIT.
  readonly types = { int: 'BIGINT', blob: 'BYTEA', tempTable: ' ON COMMIT DELETE ROWS', updatedOften: 'fillfactor = 50' };
  readonly features = { writableCte: true, analyzeTempTables: true, roundTrips: true, counterShards: 16 };
  readonly reader: SqlQuerier;
  readonly changes: PostgresChangeFeed;
  private readonly direct: PgQuerier;
  private readonly transactions: PostgresTransactions;
  private readonly statements = new StatementCache();

  constructor(
    private readonly pool: PgPoolLike,
    private readonly where: Pick<PostgresTarget, 'display' | 'schema'> & { listener?: () => PgPoolLike },
  ) {
    const statements = this.statements;
    this.reader = this.direct = new PgQuerier(pool, { statements });
    this.transactions = new PostgresTransactions(pool, { statements, schema: where.schema });
    this.changes = new PostgresChangeFeed({
      schema: where.schema,
      listener: where.listener ?? (() => {
        throw new Error('this PostgreSQL dialect was made without a listener connection');
      }),
      reader: new PgQuerier(pool, { statements, background: true }),
      transact: (fn) => this.transaction(fn),
    });
  }

  transaction<T>(fn: (q: SqlQuerier, guarded: boolean) => Promise<T>, options?: TxnOptions & { guard?: CommitGuard }): Promise<T> {
    return this.transactions.run(fn, { durable: options?.durable === true, guard: options?.guard });
  }

  updateAlone(update: string, params: readonly unknown[], payload: string | undefined): Promise<number | undefined> {
    return this.transactions.once(update, params, payload === undefined ? undefined : this.changes.notifyArgs(payload));
  }

  /** A REPEATABLE READ READ ONLY transaction on one pooled connection: one snapshot, writers go on. */
  async snapshot<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T> {
    let client: PgClientLike;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw postgresError(err);
    }
    const q = new PgQuerier(client, { statements: this.statements });
    let broken: Error | undefined;
    try {
      await q.send({ text: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' });
      const result = await fn(q);
      await q.send({ text: 'COMMIT' });
      return result;
    } catch (err) {
      await client.query({ text: 'ROLLBACK' }).catch((rollbackErr: Error) => (broken = rollbackErr));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async exec(ddl: string): Promise<void> {
    await this.direct.send({ text: ddl });
  }

  isMissingTable(err: unknown): boolean {
    return sqlState(err) === '42P01'; // undefined_table
  }

  async stats() {
    const [row] = (await this.direct.send({
      text: `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS bytes, current_setting('server_version') AS version
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2::text[])`,
      values: [this.where.schema, [...TABLES]],
    })).rows as Array<{ bytes: string | number; version: string }>;
    return {
      storageBytes: Number(row?.bytes ?? 0),
      description: `PostgreSQL ${row?.version ?? '?'} ${this.where.display.replace(/\?.*$/, '')} schema ${this.where.schema}`,
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async destroy(tables: readonly string[]): Promise<void> {
    const schema = quoteIdentifier(this.where.schema);
    try {
      await this.direct.send({ text: `DROP TABLE IF EXISTS ${tables.map((t) => `${schema}.${quoteIdentifier(t)}`).join(', ')} CASCADE` });
      // A schema of its own goes too, unless something else lives in it (RESTRICT).
      if (this.where.schema !== 'public') await this.direct.send({ text: `DROP SCHEMA IF EXISTS ${schema} RESTRICT` }).catch(() => undefined);
    } finally {
      await this.close();
    }
  }
}

/** Creates a missing database from the `postgres` maintenance database (format only). */
async function createDatabase(target: PostgresTarget): Promise<void> {
  const admin = createPool({ ...target, poolSize: 1 }, 'postgres');
  try {
    await admin.query({ text: `CREATE DATABASE ${quoteIdentifier(target.database)}` });
  } catch (err) {
    if (sqlState(err) === '42P04') return; // created meanwhile by another format
    throw new CodedError(
      'ERR_ENGINE',
      `${target.display}: database "${target.database}" does not exist and cannot be created (${(err as Error).message}); ` +
        `create it with: createdb -h HOST -U USER ${target.database}`,
      { subject: target.display, cause: err },
    );
  } finally {
    await admin.end();
  }
}

/**
 * Opens a PostgreSQL volume. Opening never creates anything: a missing database or schema is
 * ERR_NOT_FORMATTED. Format (`create`) creates the database (through the `postgres` database) and the schema.
 */
export async function openPostgresEngine(url: string, options: EngineOpenOptions): Promise<Engine> {
  const target = parsePostgresUrl(url);
  let pool = createPool(target);
  try {
    await pool.query({ text: 'SELECT 1' });
  } catch (err) {
    await pool.end();
    if (sqlState(err) !== '3D000') {
      throw new CodedError('ERR_ENGINE', `${target.display}: cannot connect to PostgreSQL: ${(err as Error).message}`, {
        subject: target.display, cause: err,
      });
    }
    if (!options.create) {
      throw new CodedError('ERR_NOT_FORMATTED', `${target.display}: no volume here (database "${target.database}" does not exist; run slicefs format first)`, {
        subject: target.display,
      });
    }
    await createDatabase(target);
    pool = createPool(target);
  }
  try {
    if (options.create) await pool.query({ text: `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)}` });
  } catch (err) {
    // Two formats racing on one schema: the loser's IF NOT EXISTS can still hit the unique index.
    if (sqlState(err) !== '23505' && sqlState(err) !== '42P06') {
      await pool.end();
      throw new CodedError('ERR_ENGINE', `${target.display}: cannot create schema ${target.schema}: ${(err as Error).message}`, {
        subject: target.display, cause: err,
      });
    }
  }
  // A watch listens on a connection of its own, outside the pool.
  return new SqlEngine(new PostgresDialect(pool, { ...target, listener: () => createPool({ ...target, poolSize: 1 }) }));
}
