import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { CodedError, FsError } from '../../../../errors/index.js';
import { openEngine } from '../../../registry.js';
import { postgresActivity } from './postgres.js';
import { createPool, parsePostgresUrl } from './postgres-connection.js';
import { n, root, testSettings } from '../../../testing/harness.js';
import { TEST_ENGINES, type TestEngine } from '../../../testing/test-engines.js';
import { type Attr, type Ino, ROOT_INO } from '../../../types.js';
import { decodeChanges } from '../../../change.js';
import { VolumeMeta } from '../../../volume-meta.js';

const postgres = TEST_ENGINES.find((e) => e.name === 'postgres') as TestEngine;
const notFormatted = (e: unknown) => e instanceof CodedError && e.code === 'ERR_NOT_FORMATTED';

const SERVER = process.env.SLICEFS_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432';

/** One query on the server's maintenance database, as the test superuser. */
async function onServer<R>(sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as R[];
  } finally {
    await client.end();
  }
}
const databaseExists = async (db: string) => (await onServer(`SELECT 1 FROM pg_database WHERE datname = $1`, [db])).length === 1;
const dbOf = (url: string) => new URL(url).pathname.slice(1);

/** Runs `fn` with a fresh test database's URL, dropped afterwards. */
async function withDatabase(fn: (url: string) => Promise<void>): Promise<void> {
  const url = await postgres.newUrl();
  try {
    await fn(url);
  } finally {
    await postgres.cleanup(url);
  }
}

/** Statements (each a round trip) that `fn` sends, counted by the dialect. */
async function statementsOf(fn: () => Promise<unknown>): Promise<number> {
  const before = postgresActivity().statements;
  await fn();
  return postgresActivity().statements - before;
}

/**
 * One client on a formatted volume with a pool of one connection: each statement is prepared
 * once per connection (a round trip the first time), so a count is taken after a warming pass.
 */
async function withOneConnection(fn: (meta: VolumeMeta) => Promise<void>): Promise<void> {
  await withDatabase(async (base) => {
    const url = `${base}?pool=1`;
    await VolumeMeta.format(url, testSettings());
    const meta = await VolumeMeta.open(url);
    try {
      await fn(meta);
    } finally {
      await meta.close();
    }
  });
}

/** Two clients (separate pools) on one formatted volume. */
async function withTwoClients(fn: (a: VolumeMeta, b: VolumeMeta, database: string) => Promise<void>, pool = 4): Promise<void> {
  await withDatabase(async (base) => {
    const url = `${base}?pool=${pool}`;
    await VolumeMeta.format(url, testSettings());
    const a = await VolumeMeta.open(url);
    const b = await VolumeMeta.open(url);
    try {
      await fn(a, b, base);
      const totals = await a.engine.totals();
      assert.equal(totals.inodes, (await a.usage()).inodes, 'the inode counter matches the counted inodes');
    } finally {
      await a.close();
      await b.close();
    }
  });
}

const settled = async <T>(promises: Array<Promise<T>>) => {
  const results = await Promise.allSettled(promises);
  const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason instanceof FsError ? r.reason.code : String(r.reason)));
  return { results, codes, ok: codes.filter((c) => c === 'ok').length };
};

describe('postgres engine on a server', () => {
  it('format creates a missing database; open of a missing one is ERR_NOT_FORMATTED and creates nothing', async () => {
    const url = await postgres.newUrl();
    await postgres.cleanup(url);
    try {
      assert.equal(await databaseExists(dbOf(url)), false);
      await assert.rejects(VolumeMeta.open(url), notFormatted);
      assert.equal(await VolumeMeta.existing(url), undefined);
      assert.equal(await databaseExists(dbOf(url)), false, 'opening created nothing');
      const settings = testSettings();
      await VolumeMeta.format(url, settings);
      assert.equal(await databaseExists(dbOf(url)), true);
      const meta = await VolumeMeta.open(url);
      assert.equal(meta.settings.uuid, settings.uuid);
      assert.equal(meta.engine.scheme, 'postgres');
      await meta.close();
    } finally {
      await postgres.cleanup(url);
    }
  });

  it('?schema= keeps several volumes apart in one database; an unformatted schema is not created by open', async () => {
    await withDatabase(async (url) => {
      const [a, b, c] = ['vol_a', 'vol_b', 'vol_c'].map((s) => `${url}?schema=${s}`) as [string, string, string];
      await VolumeMeta.format(a, testSettings());
      await VolumeMeta.format(b, testSettings());
      const ma = await VolumeMeta.open(a);
      const mb = await VolumeMeta.open(b);
      try {
        await ma.mknod(root, ROOT_INO, n('only-in-a'), { type: 'file', mode: 0o644 });
        assert.notEqual(ma.settings.uuid, mb.settings.uuid);
        assert.deepEqual((await mb.readdir(root, ROOT_INO)).entries, []);
        assert.equal((await ma.readdir(root, ROOT_INO)).entries.length, 1);
      } finally {
        await ma.close();
        await mb.close();
      }
      await assert.rejects(VolumeMeta.open(c), notFormatted);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const schemas = (await client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'vol_%' ORDER BY 1`)).rows.map((r) => r.nspname);
        assert.deepEqual(schemas, ['vol_a', 'vol_b']);
        const publicTables = await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`);
        assert.equal(publicTables.rowCount, 0, 'nothing went into public');
      } finally {
        await client.end();
      }
    });
  });

  it('reports storage size and server version, never the password', async () => {
    await withDatabase(async (url) => {
      const withPassword = url.replace('postgres@', 'postgres:hunter2@');
      await VolumeMeta.format(withPassword, testSettings());
      const engine = await openEngine(withPassword);
      try {
        const stats = await engine.stats();
        assert.ok(stats.storageBytes > 8192, `storageBytes ${stats.storageBytes}`);
        assert.match(stats.description, /^PostgreSQL \d+\.\d+/);
        assert.match(stats.description, /schema public/);
        assert.doesNotMatch(stats.description, /hunter2/);
      } finally {
        await engine.close();
      }
    });
  });

  it('connections commit asynchronously unless durable, and take only quotes as escapes in literals', async () => {
    await withDatabase(async (url) => {
      await VolumeMeta.format(url, testSettings());
      const pool = createPool(parsePostgresUrl(url));
      try {
        const { rows } = await pool.query({ text: `SELECT current_setting('synchronous_commit') AS sc, current_setting('standard_conforming_strings') AS scs` });
        assert.deepEqual(rows, [{ sc: 'off', scs: 'on' }]);
      } finally {
        await pool.end();
      }
    });
  });

  it('stores integers up to 2^53 - 1 and returns them as numbers', async () => {
    await withDatabase(async (url) => {
      await VolumeMeta.format(url, testSettings());
      const engine = await openEngine(url);
      try {
        const t = { sec: 2 ** 40, nsec: 999_999_999 };
        const big: Attr = {
          ino: (2 ** 53 - 1) as Ino, type: 'file', mode: 0o644, uid: 2 ** 32 - 2, gid: 0, nlink: 1, length: 2 ** 50, rdev: 0,
          atime: t, mtime: t, ctime: t, parent: ROOT_INO,
        };
        await engine.txn((tx) => tx.putInode(big));
        assert.deepEqual(await engine.read((tx) => tx.getInode(big.ino)), big);
        assert.equal(await engine.incrCounter('nextSlice', 2 ** 52), 2 ** 52);
      } finally {
        await engine.close();
      }
    });
  });

  it('an unreachable server is a clear ERR_ENGINE, not "not formatted"', async () => {
    await assert.rejects(
      VolumeMeta.open('postgres://postgres@127.0.0.1:1/nowhere'),
      (e: unknown) => e instanceof CodedError && e.code === 'ERR_ENGINE' && /cannot connect to PostgreSQL/.test(e.message),
    );
  });
});

describe('postgres engine races (two clients, serializable transactions)', () => {
  it('create, lookup, rename and unlink each take a few round trips (single-row writes go out together)', async () => {
    await withOneConnection(async (meta) => {
      // The first pass warms the connection's prepared statements, the second counts.
      const pass = async (p: string) => {
        const create = await statementsOf(() => meta.mknod(root, ROOT_INO, n(`${p}f`), { type: 'file', mode: 0o644 }));
        const createOpen = await statementsOf(() => meta.create(root, ROOT_INO, n(`${p}o`), 0o644));
        const lookup = await statementsOf(() => meta.lookup(root, ROOT_INO, n(`${p}f`)));
        const rename = await statementsOf(() => meta.rename(root, { parent: ROOT_INO, name: n(`${p}f`), newParent: ROOT_INO, newName: n(`${p}g`) }));
        const { ino } = await meta.lookup(root, ROOT_INO, n(`${p}o`));
        const id = await meta.newSliceId();
        const close = await statementsOf(() =>
          meta.commitSlices(ino, [{ index: 0, record: { pos: 0, id, size: 6, off: 0, len: 6 }, data: Buffer.from('hello\n') }]));
        const ids = [await meta.newSliceId(), await meta.newSliceId()];
        const append = await statementsOf(() =>
          meta.commitSlices(ino, ids.map((id, i) => ({ index: 0, record: { pos: 6 + i, id, size: 1, off: 0, len: 1 }, data: Buffer.from('x') }))));
        // From the attributes this client just committed: BEGIN, a conditional UPDATE and COMMIT in one.
        const chmod = await statementsOf(() => meta.setattr(root, ino, { mode: 0o600 }));
        const utimes = await statementsOf(() => meta.setattr(root, ino, { atime: { sec: 7, nsec: 8 }, mtime: { sec: 7, nsec: 8 } }));
        // The kernel looks a name up before it unlinks it (a listing serves as well).
        await meta.lookup(root, ROOT_INO, n(`${p}g`));
        const unlink = await statementsOf(() => meta.unlink(root, ROOT_INO, n(`${p}g`)));
        const withData = await meta.mknod(root, ROOT_INO, n(`${p}d`), { type: 'file', mode: 0o644 });
        const dataIds = [await meta.newSliceId(), await meta.newSliceId()];
        await meta.commitSlices(withData.ino, dataIds.map((id, i) => ({ index: 0, record: { pos: i, id, size: 1, off: 0, len: 1 }, data: Buffer.from('d') })));
        await meta.readdir(root, ROOT_INO);
        const unlinkData = await statementsOf(() => meta.unlink(root, ROOT_INO, n(`${p}d`)));
        const queued = (await meta.pendingSlices(1000)).map((s) => s.id);
        assert.ok(dataIds.every((id) => queued.includes(id)), 'the unlinked file\'s slices are queued for deletion');
        assert.equal((await meta.readChunk(withData.ino, 0)).length, 0);
        return { ino, counts: { create, createOpen, lookup, rename, close, append, chmod, utimes, unlink, unlinkData } };
      };
      await pass('warm-');
      const { ino, counts } = await pass('');
      // BEGIN, the reads (a directory, its entry and that inode in one), one statement for the
      // writes, COMMIT; unlink also asks who holds the file open and deletes its chunks, while
      // its other writes stay held. Before batching: create 8, lookup 3, rename 10, unlink 14;
      // before the joined entry read: 5, 3, 7, 10; before statements on other tables let held
      // writes wait: create+open 5, unlink 8. A close's commit of inline data (BEGIN, the
      // inode, the writes, COMMIT) took 8 before its slice, data and chunk record were held
      // too; two appends to one chunk in one commit go out one after the other (each numbers
      // itself after the chunk's rows). Before BEGIN rode with the first statement and COMMIT
      // with the last held writes: create 4, create+open 4, rename 5, close 4, append 5, unlink 6.
      // Before the entry read of a write transaction said who holds the inode open, and the
      // deletion of a file's chunks (queueing the slices it freed in the same statement) was
      // held with the other writes: unlink 4, unlink of a file with data 6.
      // chmod and utimes took 2 each before they went from the attributes this client committed.
      // An append after this client's own commit is given the inode instead of reading it, its
      // commit guarded by it: BEGIN, guard, writes and COMMIT in one, then the second append's record (was 3).
      // A create in a directory this client's own commit left is given the directory, and the name
      // as absent, its commit guarded by both: one round trip (was 2, create+open too).
      // An unlink of a name this client just looked up or listed is given the directory, the
      // entry and its inode, its commit guarded by them and by no session holding the inode
      // open: one round trip (was 2, with data too).
      assert.deepEqual(counts, { create: 1, createOpen: 1, lookup: 1, rename: 3, close: 2, append: 2, chmod: 1, utimes: 1, unlink: 1, unlinkData: 1 });
      assert.equal((await meta.getattr(ino)).mode, 0o600);
      assert.deepEqual((await meta.readdir(root, ROOT_INO)).entries.map((e) => e.name.toString()), ['o', 'warm-o']);
      assert.deepEqual((await meta.readChunk(ino, 0)).map((r) => [r.pos, r.len]), [[0, 6], [6, 1], [7, 1]], 'the appends in order');
      assert.equal((await meta.usage()).inodes, 3);
    });
  });

  it('a path resolves in one round trip, however many components it has (getEntries)', async () => {
    await withOneConnection(async (meta) => {
      const a = await meta.mkdir(root, ROOT_INO, n('a'), 0o755);
      const b = await meta.mkdir(root, a.ino, n('b'), 0o755);
      const f = await meta.mknod(root, b.ino, n('f'), { type: 'file', mode: 0o644 });
      // Warm: each statement text is prepared once per connection (a round trip the first time).
      await meta.resolve(root, '/a/b/f');
      await meta.resolve(root, '/a');
      await meta.resolveEntry(root, '/a/b/new', 'open');
      // Before: the root, then each component's entry: 4, 2 and 4.
      assert.deepEqual(
        {
          deep: await statementsOf(async () => assert.equal((await meta.resolve(root, '/a/b/f')).ino, f.ino)),
          top: await statementsOf(async () => assert.equal((await meta.resolve(root, '/a')).ino, a.ino)),
          absent: await statementsOf(async () => assert.equal((await meta.resolveEntry(root, '/a/b/new', 'open')).attr, undefined)),
        },
        { deep: 1, top: 1, absent: 1 },
      );
    });
  });

  it('an unlink given what this client read commits only while all of it holds: another client\'s open, chmod or replacement of the name is honoured', async () => {
    await withTwoClients(async (a, b) => {
      const guardFailures = () => postgresActivity().retries['22012'] ?? 0;
      const made = new Map<string, Ino>();
      for (const name of ['plain', 'opened', 'changed', 'replaced']) made.set(name, (await b.mknod(root, ROOT_INO, n(name), { type: 'file', mode: 0o644 })).ino);
      await a.readdir(root, ROOT_INO, { plus: true }); // a reads every entry and its inode (READDIRPLUS)
      await b.open(root, made.get('opened')!, 0); // O_RDONLY
      await b.setattr(root, made.get('changed')!, { mode: 0o600 });
      await b.rename(root, { parent: ROOT_INO, name: n('replaced'), newParent: ROOT_INO, newName: n('kept') });
      const replacement = await b.mknod(root, ROOT_INO, n('replaced'), { type: 'file', mode: 0o644 });
      await a.getattr(ROOT_INO); // the directory as b left it

      const before = guardFailures();
      await a.unlink(root, ROOT_INO, n('plain'));
      assert.equal(guardFailures(), before, 'nothing a read of plain changed since: its unlink commits as assumed');
      for (const name of ['opened', 'changed', 'replaced']) await a.unlink(root, ROOT_INO, n(name));
      assert.equal(guardFailures(), before + 3, 'each of the others failed its guard and ran again, reading');

      assert.deepEqual((await a.readdir(root, ROOT_INO)).entries.map((e) => e.name.toString()), ['kept']);
      assert.equal((await b.getattr(made.get('opened')!)).nlink, 0, 'opened: b holds it open, so the inode stays');
      await assert.rejects(b.getattr(made.get('changed')!), { code: 'ENOENT' });
      await assert.rejects(b.getattr(replacement.ino), { code: 'ENOENT' }, 'the name\'s new file is the one removed');
      assert.equal((await b.getattr(made.get('replaced')!)).nlink, 1, 'the file renamed away stays, as kept');
      await b.release(made.get('opened')!);
      await b.flush(); // its deferred release, now
      await assert.rejects(b.getattr(made.get('opened')!), { code: 'ENOENT' }, 'gone at its last close');
    });
  });

  it('commits send a NOTIFY only while some client watches the volume', async () => {
    await withTwoClients(async (a, b, database) => {
      // Reached inside: the channel, and the lease as writer a last read it.
      const feed = (a.engine as unknown as { d: { changes: { channel: string; lease: { watched(): Promise<boolean> } } } }).d.changes;
      const listener = new pg.Client({ connectionString: database });
      await listener.connect();
      try {
        const heard: Ino[][] = [];
        let onHeard = () => undefined as void;
        listener.on('notification', (m) => (heard.push(decodeChanges(m.payload ?? '').map((c) => c.ino)), onHeard()));
        await listener.query(`LISTEN "${feed.channel}"`);
        // A plain LISTEN holds no lease. Unwatched as read just now, a's commit sends nothing (a
        // writer whose read is over a second old notifies while it reads again: retried then).
        let quiet: Attr | undefined;
        for (let i = 0; !quiet; i++) {
          assert.equal(await feed.lease.watched(), false, 'nobody watches yet');
          const readAt = Date.now();
          const made = await a.mkdir(root, ROOT_INO, n(`quiet${i}`), 0o755);
          if (Date.now() - readAt < 900) quiet = made;
          else assert.ok(i < 5, 'each mkdir took over 0.9 s');
        }
        const watch = await b.engine.subscribeChanges!(() => undefined);
        try {
          const heardOne = new Promise<void>((resolve) => (onHeard = resolve));
          const loud = await a.mkdir(root, ROOT_INO, n('loud'), 0o755);
          await heardOne;
          // Delivered in commit order: had the quiet mkdir notified, it would have come first.
          assert.ok(heard[0]!.includes(loud.ino), `the first notification is the watched mkdir's: ${JSON.stringify(heard)}`);
          assert.ok(!heard.flat().includes(quiet.ino), 'the unwatched mkdir sent none');
        } finally {
          await watch.close();
        }
      } finally {
        await listener.end();
      }
    });
  });

  it('concurrent creates of one name: exactly one wins, the rest get EEXIST', async () => {
    await withTwoClients(async (a, b) => {
      const r = await settled(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).mknod(root, ROOT_INO, n('same'), { type: 'file', mode: 0o644 })));
      assert.equal(r.ok, 1, r.codes.join());
      assert.ok(r.codes.every((c) => c === 'ok' || c === 'EEXIST'), r.codes.join());
      assert.equal((await a.readdir(root, ROOT_INO)).entries.length, 1);
    });
  });

  it('concurrent mkdirs in one directory all land, and the link count counts every one', async () => {
    await withTwoClients(async (a, b) => {
      const r = await settled(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).mkdir(root, ROOT_INO, n(`d${i}`), 0o755)));
      assert.equal(r.ok, 24, r.codes.join());
      assert.equal((await b.getattr(ROOT_INO)).nlink, 2 + 24);
      assert.equal((await a.readdir(root, ROOT_INO)).entries.length, 24);
      assert.equal((await a.usage()).inodes, 25);
    });
  });

  it('concurrent writers add to separate rows of the usage counters, whose sums stay exact', async () => {
    await withTwoClients(async (a, b, database) => {
      const dirs = await Promise.all([a, b].map((m, i) => m.mkdir(root, ROOT_INO, n(`d${i}`), 0o755)));
      const data = Buffer.from('hello\n');
      await Promise.all(Array.from({ length: 8 }, async (_, w) => {
        const m = w % 2 ? b : a;
        for (let i = 0; i < 6; i++) {
          const file = await m.mknod(root, dirs[w % 2]!.ino, n(`w${w}-${i}`), { type: 'file', mode: 0o644 });
          const id = await m.newSliceId();
          await m.commitSlices(file.ino, [{ index: 0, record: { pos: 0, id, size: data.length, off: 0, len: data.length }, data }]);
        }
      }));
      const client = new pg.Client({ connectionString: database });
      await client.connect();
      const rows = await client.query<{ name: string }>(`SELECT name FROM counter WHERE name LIKE 'inodes%'`).finally(() => client.end());
      assert.ok(rows.rows.length > 1, `the inode count is kept in several rows (${rows.rows.map((r) => r.name).join()})`);
      const usage = await b.usage();
      assert.equal(usage.inodes, 1 + 2 + 48);
      assert.equal(usage.usedBytes, 48 * data.length);
      await b.unlink(root, dirs[0]!.ino, n('w0-0'));
      assert.deepEqual(await b.usage(), { ...usage, inodes: usage.inodes - 1, usedBytes: usage.usedBytes - data.length });
    });
  });

  it('rmdir racing a create inside: never both, and nothing is orphaned', async () => {
    await withTwoClients(async (a, b) => {
      for (let i = 0; i < 12; i++) {
        const d = await a.mkdir(root, ROOT_INO, n(`d${i}`), 0o755);
        const [made, removed] = await Promise.allSettled([
          b.mknod(root, d.ino, n('f'), { type: 'file', mode: 0o644 }),
          a.rmdir(root, ROOT_INO, n(`d${i}`)),
        ]);
        assert.ok((made.status === 'fulfilled') !== (removed.status === 'fulfilled'), `round ${i}: exactly one succeeds`);
        if (made.status === 'fulfilled') assert.equal((await a.lookup(root, d.ino, n('f'))).ino, made.value.ino);
        else assert.equal((made.reason as FsError).code, 'ENOENT');
      }
    });
  });

  it('two directories moved into each other at once: at most one move happens, no cycle', async () => {
    await withTwoClients(async (a, b) => {
      for (let i = 0; i < 8; i++) {
        const x = await a.mkdir(root, ROOT_INO, n(`x${i}`), 0o755);
        const y = await a.mkdir(root, ROOT_INO, n(`y${i}`), 0o755);
        const r = await settled([
          a.rename(root, { parent: ROOT_INO, name: n(`x${i}`), newParent: y.ino, newName: n('x') }),
          b.rename(root, { parent: ROOT_INO, name: n(`y${i}`), newParent: x.ino, newName: n('y') }),
        ]);
        assert.equal(r.ok, 1, r.codes.join());
        for (const dir of [x, y]) {
          let ino = dir.ino;
          for (let hops = 0; ino !== ROOT_INO; hops++) {
            assert.ok(hops < 4, 'walking up reaches the root');
            ino = (await a.getattr(ino)).parent;
          }
        }
      }
    });
  });

  it('two clients hammering one directory both finish: a loser of repeated conflicts gets to run alone', async () => {
    await withTwoClients(async (a, b) => {
      const N = 600;
      for (let i = 0; i < N; i++) await b.mknod(root, ROOT_INO, n(`old${i}`), { type: 'file', mode: 0o644 });
      await Promise.all([
        (async () => { for (let i = 0; i < N; i++) await a.mknod(root, ROOT_INO, n(`new${i}`), { type: 'file', mode: 0o644 }); })(),
        (async () => { for (let i = 0; i < N; i++) await b.unlink(root, ROOT_INO, n(`old${i}`)); })(),
      ]);
      const names = (await a.readdir(root, ROOT_INO, { limit: 10 * N })).entries.map((e) => e.name.toString());
      assert.equal(names.length, N);
      assert.ok(names.every((x) => x.startsWith('new')));
      assert.equal((await a.usage()).inodes, N + 1);
      const { mostAttempts } = postgresActivity();
      assert.ok(mostAttempts <= 10, `no transaction in these races needed more than 10 attempts (one took ${mostAttempts})`);
    });
  });

  it('a pool of one connection serves concurrent transactions and reads without deadlock', async () => {
    await withTwoClients(async (a) => {
      const files = await Promise.all(Array.from({ length: 20 }, (_, i) => a.mknod(root, ROOT_INO, n(`f${i}`), { type: 'file', mode: 0o644 })));
      const page = await a.readdir(root, ROOT_INO, { plus: true });
      assert.equal(page.entries.length, 20);
      assert.deepEqual(new Set(page.entries.map((e) => e.attr?.ino)), new Set(files.map((f) => f.ino)));
    }, 1);
  });
});
