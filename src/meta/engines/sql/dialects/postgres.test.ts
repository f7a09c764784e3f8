import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError, FsError } from '../../../../errors/index.js';
import { PostgresDialect } from './postgres.js';
import { redactUrl } from '../../../../errors/index.js';
import type { SqlQuerier } from '../dialect.js';
import { parsePostgresUrl, type PgPoolLike, type PgResultLike, type PgStatement } from './postgres-connection.js';
import { postgresError, sqlState } from './postgres-errors.js';

const ok = (command = 'SELECT', rows: Array<Record<string, unknown>> = []): PgResultLike => ({ rows, rowCount: rows.length, command });
const pgError = (code: string) => Object.assign(new Error(`pg says ${code}`), { code, severity: 'ERROR' });

/**
 * A pool whose every statement is answered by `answer`; records what was sent (one entry per
 * round trip) and releases. A simple query of several statements (`; `-separated, as the
 * server splits them) is answered statement by statement, as an array, as pg does; the first
 * failing one fails it. PREPARE is kept and answered here; EXECUTE is answered as the statement
 * it names. Every connect() hands out the one connection (as a pool reuses one).
 */
class FakePool implements PgPoolLike {
  readonly sent: PgStatement[] = [];
  readonly released: Array<Error | undefined> = [];
  private readonly prepared = new Map<string, string>();
  private readonly client = { query: (s: PgStatement) => this.query(s), release: (err?: Error) => void this.released.push(err) };
  constructor(private readonly answer: (s: PgStatement) => PgResultLike | Error) {}
  /** The statements of one round trip as the server runs them: PREPAREs out, each EXECUTE as the statement it names. */
  private logical(s: PgStatement): PgStatement[] {
    if (s.values) return [s];
    return s.text.split('; ').flatMap((text) => {
      const prepare = /^PREPARE (\w+) AS (.*)$/s.exec(text);
      if (prepare) return [];
      const execute = /^EXECUTE (\w+)(?:\((.*)\))?$/s.exec(text);
      return [execute ? { text: this.prepared.get(execute[1]!)!, values: execute[2] === undefined ? [] : [execute[2]] } : { text }];
    });
  }
  async query(s: PgStatement): Promise<PgResultLike> {
    this.sent.push(s);
    for (const text of s.values ? [] : s.text.split('; ')) {
      const prepare = /^PREPARE (\w+) AS (.*)$/s.exec(text);
      if (prepare) this.prepared.set(prepare[1]!, prepare[2]!);
    }
    const results: PgResultLike[] = [];
    for (const one of this.logical(s)) {
      const r = this.answer(one);
      if (r instanceof Error) throw r;
      results.push(r);
    }
    if (!results.length) return ok('PREPARE');
    return (results.length === 1 ? results[0]! : results) as PgResultLike;
  }
  async connect() {
    return this.client;
  }
  async end() {}
  /** The first word of every statement run, round trips flattened, PREPAREs left out. */
  texts() {
    return this.sent.flatMap((s) => this.logical(s)).map((s) => s.text.split(' ')[0]);
  }
}

const dialect = (pool: PgPoolLike) => new PostgresDialect(pool, { display: 'postgres://u@h/db', schema: 'public' });

describe('postgres dialect (fake pool)', () => {
  it('rewrites ? to $n outside string literals and prepares each text under one name', async () => {
    const pool = new FakePool((s) => ok('SELECT', [{ v: s.values?.[0] }]));
    const d = dialect(pool);
    await d.reader.all(`SELECT ? AS a, '?' AS b, 'it''s?' AS c FROM t WHERE x = ? AND y = ?`, [1, 2, 3]);
    await d.reader.all(`SELECT ? AS a, '?' AS b, 'it''s?' AS c FROM t WHERE x = ? AND y = ?`, [4, 5, 6]);
    await d.reader.run(`DELETE FROM t WHERE x = ?`, [7]);
    const [a, b, c] = pool.sent;
    assert.equal(a!.text, `SELECT $1 AS a, '?' AS b, 'it''s?' AS c FROM t WHERE x = $2 AND y = $3`);
    assert.deepEqual(b!.values, [4, 5, 6]);
    assert.equal(a!.name, b!.name);
    assert.notEqual(c!.name, a!.name);
    assert.equal(c!.text, `DELETE FROM t WHERE x = $1`);
  });

  it('prepares at most 256 distinct texts; later ones run unnamed', async () => {
    const pool = new FakePool(() => ok());
    const d = dialect(pool);
    for (let i = 0; i < 300; i++) await d.reader.all(`SELECT ${i} WHERE x IN (?)`, [i]);
    assert.equal(new Set(pool.sent.map((s) => s.name).filter(Boolean)).size, 256);
    assert.equal(pool.sent[299]!.name, undefined);
    assert.equal(pool.sent[299]!.text, 'SELECT 299 WHERE x IN ($1)');
  });

  it('runs a transaction as BEGIN SERIALIZABLE with its first statement, the rest prepared, COMMIT with the held last one, on one client', async () => {
    const pool = new FakePool((s) => ok(s.text === 'COMMIT' ? 'COMMIT' : 'UPDATE'));
    const body = async (q: SqlQuerier) => {
      await q.all(`SELECT a FROM t WHERE b = ? AND c = ?`, ["it's", Buffer.from([0, 0x5c, 0xff])]);
      const changed = await q.run(`UPDATE t SET x = ?`, [1]);
      q.atCommit!(`DELETE FROM t WHERE x = ? AND y = ?`, [-2.5, null]);
      return changed;
    };
    const d = dialect(pool);
    assert.equal(await d.transaction(body), 0);
    const begin = /^BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT pg_try_advisory_xact_lock_shared\(-?\d+, -?\d+\) AS granted; /.exec(pool.sent[1]!.text)![0];
    assert.deepEqual(pool.sent.map((s) => s.text), [
      'PREPARE slicefs_1_x AS SELECT a FROM t WHERE b = $1 AND c = $2',
      `${begin}EXECUTE slicefs_1_x('it''s', '\\x005cff')`,
      'UPDATE t SET x = $1',
      'PREPARE slicefs_3_x AS DELETE FROM t WHERE x = $1 AND y = $2',
      `EXECUTE slicefs_3_x('-2.5', NULL); COMMIT`,
    ]);
    assert.deepEqual(pool.released, [undefined]);
    // Prepared once per connection: the next transaction on it sends no PREPARE.
    const again = pool.sent.length;
    await d.transaction(body);
    assert.equal(pool.sent.length - again, 3, 'BEGIN + first, the UPDATE, the last + COMMIT');

    // Only a last statement: BEGIN goes alone, so COMMIT never rides with an unchecked lock try.
    // A value with no literal here (an array) goes as a parameter, after BEGIN alone.
    const alone = new FakePool((s) => ok(s.text === 'COMMIT' ? 'COMMIT' : 'X'));
    await dialect(alone).transaction(async (q) => q.atCommit!(`DELETE FROM t WHERE x = ?`, [3]));
    await dialect(alone).transaction(async (q) => q.all(`SELECT ANY(?)`, [[1, 2]]));
    await dialect(alone).transaction(async () => 'nothing sent, nothing to commit');
    assert.deepEqual(alone.texts(), ['BEGIN', 'SELECT', 'DELETE', 'COMMIT', 'BEGIN', 'SELECT', 'SELECT', 'COMMIT']);
    assert.deepEqual(alone.sent.map((s) => s.text.split(' ')[0]), ['BEGIN', 'PREPARE', 'EXECUTE', 'BEGIN', 'SELECT', 'COMMIT']);
  });

  it('a guarded transaction commits with BEGIN and its guard in one round trip; a failed guard or an error thrown on what was assumed runs it again, unguarded', async () => {
    const guard = { condition: 'EXISTS (SELECT 1 FROM node WHERE ino = ?)', params: [7] };
    const pool = new FakePool((s) => ok(s.text.endsWith('COMMIT') ? 'COMMIT' : 'X'));
    const runs: boolean[] = [];
    await dialect(pool).transaction(async (q, guarded) => void (runs.push(guarded), q.atCommit!(`UPDATE t SET x = ?`, [1])), { guard });
    assert.deepEqual(runs, [true]);
    assert.match(pool.sent[pool.sent.length - 1]!.text, /^BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT pg_try_advisory_xact_lock_shared\(-?\d+, -?\d+\) AS granted; EXECUTE \w+\('7'\); EXECUTE \w+\('1'\); COMMIT$/);

    // The guard divides by zero: nothing committed, the callback runs again, reading.
    const failing = new FakePool((s) => (s.text.includes('SELECT 1 / (') ? pgError('22012') : ok(s.text.endsWith('COMMIT') ? 'COMMIT' : 'X')));
    const again: boolean[] = [];
    await dialect(failing).transaction(async (q, guarded) => void (again.push(guarded), q.atCommit!(`UPDATE t SET x = ?`, [1])), { guard });
    assert.deepEqual(again, [true, false]);

    // The callback refused on the assumed inode: that refusal is not trusted until it is made on what is there.
    const refusals: boolean[] = [];
    const result = await dialect(new FakePool((s) => ok(s.text.endsWith('COMMIT') ? 'COMMIT' : 'X'))).transaction(async (q, guarded) => {
      refusals.push(guarded);
      if (guarded) throw new FsError('EPERM', { syscall: 'chmod' });
      return 'allowed';
    }, { guard });
    assert.deepEqual([refusals, result], [[true, false], 'allowed']);
  });

  it('a durable transaction commits with synchronous_commit on (with its last writes); others with the connection\'s off', async () => {
    const pool = new FakePool((s) => ok(s.text === 'COMMIT' ? 'COMMIT' : 'X'));
    const d = dialect(pool);
    await d.transaction(async (q) => void (await q.all(`SELECT 1`), q.atCommit!(`UPDATE t SET x = ?`, [1])), { durable: true });
    await d.transaction(async (q) => void (await q.all(`SELECT 1`), q.atCommit!(`UPDATE t SET x = ?`, [1])));
    const commits = pool.sent.map((s) => s.text).filter((t) => t.endsWith('COMMIT'));
    assert.deepEqual(commits.map((t) => t.replace(/^EXECUTE \w+\('1'\); /, '')), ['SET LOCAL synchronous_commit = on; COMMIT', 'COMMIT']);
  });

  it('retries the whole callback on serialization failure, deadlock and lock timeout, then commits', async () => {
    const failures = ['40001', '40P01', '55P03'];
    const pool = new FakePool((s) => (s.text === 'COMMIT' && failures.length ? pgError(failures.shift()!) : ok(s.text === 'COMMIT' ? 'COMMIT' : 'X')));
    let runs = 0;
    const result = await dialect(pool).transaction(async (q) => {
      runs++;
      await q.all(`SELECT 1`);
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(runs, 4);
    assert.deepEqual(pool.texts(), [...Array(3).fill(['BEGIN', 'SELECT', 'SELECT', 'COMMIT', 'ROLLBACK']).flat(), 'BEGIN', 'SELECT', 'SELECT', 'COMMIT']);
  });

  it('after four conflicts a transaction runs alone: exclusive advisory lock before BEGIN, released after COMMIT', async () => {
    let conflicts = 4;
    const pool = new FakePool((s) => (s.text === 'COMMIT' ? (conflicts-- > 0 ? pgError('40001') : ok('COMMIT')) : ok()));
    await dialect(pool).transaction((q) => q.all(`SELECT 1`));
    const tail = pool.sent.slice(-5).map((s) => s.text);
    assert.match(tail[0]!, /^SET lock_timeout = \d+; SELECT pg_advisory_lock\((\d+, -?\d+)\); SET lock_timeout = 100$/);
    assert.equal(tail[1], 'BEGIN ISOLATION LEVEL SERIALIZABLE');
    assert.deepEqual(tail.slice(2, 4), ['SELECT 1', 'COMMIT']);
    const key = /pg_advisory_lock\((.*?)\)/.exec(tail[0]!)![1];
    assert.equal(tail[4], `SELECT pg_advisory_unlock(${key})`);
    const shared = (p: FakePool) => /pg_try_advisory_xact_lock_shared\((.*?)\)/.exec(p.sent.find((s) => s.text.startsWith('BEGIN'))!.text)![1];
    assert.equal(shared(pool), key, 'one key for both modes');
    const other = new FakePool(() => ok('COMMIT'));
    await new PostgresDialect(other, { display: 'x', schema: 'team_b' }).transaction((q) => q.all(`SELECT 1`));
    assert.notEqual(shared(other), key, 'another schema, another key');
  });

  it('a transaction that finds one running alone rolls back, waits for its turn, and begins again', async () => {
    let busy = true;
    const pool = new FakePool((s) =>
      s.text.includes('pg_try_advisory_xact_lock_shared')
        ? ok('SELECT', [{ granted: !busy }])
        : s.text.includes('pg_advisory_lock_shared') ? ((busy = false), ok()) : ok(s.text === 'COMMIT' ? 'COMMIT' : 'SELECT'),
    );
    const seen: unknown[] = [];
    await dialect(pool).transaction(async (q) => {
      // A callback that swallows the refusal still runs again, and its statements are refused too.
      seen.push(await q.all(`SELECT 1`).catch((err: Error) => err.constructor.name));
      seen.push(await q.all(`SELECT 2`).catch((err: Error) => err.constructor.name));
    });
    assert.deepEqual(seen, ['TurnTaken', 'TurnTaken', [], []]);
    assert.deepEqual(pool.texts(), ['BEGIN', 'SELECT', 'SELECT', 'ROLLBACK', 'SET', 'SELECT', 'SELECT', 'SET', 'BEGIN', 'SELECT', 'SELECT', 'SELECT', 'COMMIT']);
    assert.match(pool.sent.find((s) => s.text.startsWith('SET'))!.text, /pg_advisory_lock_shared\(.*\); SELECT pg_advisory_unlock_shared/);
  });

  it('gives up on a unique violation after a few retries with EEXIST', async () => {
    const pool = new FakePool((s) => (s.text.startsWith('INSERT') ? pgError('23505') : ok()));
    let runs = 0;
    await assert.rejects(
      dialect(pool).transaction(async (q) => {
        runs++;
        await q.run(`INSERT INTO t VALUES (?)`, [1]);
      }),
      (e: unknown) => e instanceof FsError && e.code === 'EEXIST',
    );
    assert.equal(runs, 5);
  });

  it('gives up after a bounded number of serialization failures with EAGAIN', async () => {
    const pool = new FakePool((s) => (s.text === 'COMMIT' ? pgError('40001') : ok()));
    let runs = 0;
    await assert.rejects(
      dialect(pool).transaction(async (q) => void (runs++, await q.all(`SELECT 1`))),
      (e: unknown) => e instanceof FsError && e.code === 'EAGAIN' && sqlState(e) === '40001',
    );
    assert.equal(runs, 40);
  });

  it('passes the callback’s own errors through untouched, after ROLLBACK, without retrying', async () => {
    const pool = new FakePool(() => ok());
    const boom = new Error('boom');
    let runs = 0;
    await assert.rejects(
      dialect(pool).transaction(async (q) => {
        runs++;
        await q.all(`SELECT 1`);
        throw boom;
      }),
      (e: unknown) => e === boom,
    );
    assert.equal(runs, 1);
    assert.deepEqual(pool.texts(), ['BEGIN', 'SELECT', 'SELECT', 'ROLLBACK']);
    await assert.rejects(dialect(pool).transaction(async () => Promise.reject(boom)), (e: unknown) => e === boom);
    assert.equal(pool.texts().length, 4, 'nothing was begun: nothing to roll back');
  });

  it('a conflict the callback swallowed still retries; COMMIT answering ROLLBACK never reports success', async () => {
    let conflicts = 1;
    const pool = new FakePool((s) =>
      s.text.startsWith('UPDATE') ? (conflicts-- > 0 ? pgError('40001') : ok()) : s.text === 'COMMIT' ? ok(conflicts >= 0 ? 'ROLLBACK' : 'COMMIT') : ok(),
    );
    let runs = 0;
    await dialect(pool).transaction(async (q) => {
      runs++;
      await q.run(`UPDATE t SET x = 1`).catch(() => undefined);
    });
    assert.equal(runs, 2);

    const doomed = new FakePool((s) => (s.text.startsWith('UPDATE') ? pgError('22P02') : s.text === 'COMMIT' ? ok('ROLLBACK') : ok()));
    await assert.rejects(
      dialect(doomed).transaction((q) => q.run(`UPDATE t SET x = 1`).catch(() => 0)),
      (e: unknown) => e instanceof FsError && e.code === 'EIO' && /rolled back/.test(e.message),
    );
  });

  it('drops a connection whose ROLLBACK failed instead of returning it to the pool', async () => {
    const pool = new FakePool((s) => (s.text === 'ROLLBACK' || s.text.startsWith('SELECT') ? new Error('Connection terminated unexpectedly') : ok()));
    await assert.rejects(dialect(pool).transaction((q) => q.all(`SELECT 1`)), (e: unknown) => e instanceof FsError && e.code === 'EIO');
    assert.equal(pool.released.length, 1);
    assert.ok(pool.released[0] instanceof Error);
  });

  it('maps reader failures through the one error function', async () => {
    const pool = new FakePool(() => pgError('53100'));
    await assert.rejects(dialect(pool).reader.all(`SELECT 1`), (e: unknown) => e instanceof FsError && e.code === 'ENOSPC');
  });
});

describe('postgres error mapping', () => {
  it('maps SQLSTATEs and connection failures to errno', () => {
    const cases: Array<[unknown, string]> = [
      [pgError('53100'), 'ENOSPC'], [pgError('23505'), 'EEXIST'], [pgError('40001'), 'EAGAIN'], [pgError('40P01'), 'EAGAIN'],
      [pgError('28P01'), 'EACCES'], [pgError('42501'), 'EACCES'], [pgError('25006'), 'EROFS'], [pgError('55P03'), 'EAGAIN'], [pgError('53200'), 'ENOMEM'],
      [pgError('XX000'), 'EIO'], [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'EIO'],
      [new Error('Connection terminated unexpectedly'), 'EIO'], [pgError('08006'), 'EIO'],
    ];
    for (const [err, errno] of cases) assert.equal(postgresError(err).code, errno, String((err as Error).message));
    const fs = new FsError('ENOENT');
    assert.equal(postgresError(fs), fs);
    assert.equal(sqlState(Object.assign(new Error('x'), { code: 'EPIPE' })), undefined);
    assert.equal(sqlState(new FsError('EAGAIN', { cause: pgError('40P01') })), '40P01');
  });
});

describe('postgres URLs', () => {
  it('parses user, password, host, port, database, schema and pool size', () => {
    const t = parsePostgresUrl('postgres://us%40er:p%3Ass@db.example:6543/my%20db?schema=Vol_1&pool=3');
    assert.deepEqual(
      { host: t.host, port: t.port, user: t.user, password: t.password, database: t.database, schema: t.schema, pool: t.poolSize },
      { host: 'db.example', port: 6543, user: 'us@er', password: 'p:ss', database: 'my db', schema: 'vol_1', pool: 3 },
    );
    assert.equal(t.display, 'postgres://us%40er:***@db.example:6543/my%20db?schema=Vol_1&pool=3');
    const d = parsePostgresUrl('postgresql://postgres@[::1]/vol');
    assert.deepEqual([d.host, d.port, d.schema, d.poolSize, d.password], ['::1', undefined, 'public', 10, undefined]);
    assert.equal(parsePostgresUrl('postgres://u@%2Fvar%2Frun%2Fpostgresql/db').host, '/var/run/postgresql');
  });

  it('rejects URLs without a database, with unknown options, bad schema names or pool sizes', () => {
    for (const url of [
      'postgres://u@h:5432', 'postgres://u@h/db?shema=x', 'postgres://u@h/db?schema=a-b', 'postgres://u@h/db?schema=1a',
      'postgres://u@h/db?pool=0', 'postgres://u@h/db?pool=x', 'postgres://u@h/db?sslmode=prefer',
    ]) {
      assert.throws(() => parsePostgresUrl(url), (e: unknown) => e instanceof CodedError && e.code === 'ERR_BAD_URL', url);
    }
    assert.equal(redactUrl('postgres://a:secret@h/db'), 'postgres://a:***@h/db');
    assert.equal(redactUrl('postgres://a@h/db'), 'postgres://a@h/db');
  });
});
