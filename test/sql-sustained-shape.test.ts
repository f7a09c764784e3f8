import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { TEST_ENGINES } from '../src/meta/testing/test-engines.js';
import { checkVolume, Volume } from '../src/sdk/index.js';

/**
 * The sustained table (which sessions hold which inodes open) of a newly formatted volume is
 * keyed by (ino, session): one B-tree instead of a table, its key (session, ino) and an index on
 * ino, so a create writes two SQLite pages fewer. Volumes formatted before keep the earlier
 * shape, and the same statements must serve both: an open file unlinked by another client stays
 * readable and is listed under the session holding it, and goes at its last close.
 */
const EARLIER = [
  `CREATE TABLE sustained (session INTEGER NOT NULL, ino INTEGER NOT NULL, PRIMARY KEY (session, ino))`,
  `CREATE INDEX sustained_ino ON sustained (ino)`,
];

interface Shaped {
  /** Makes the earlier table in the unformatted volume at `url` (format then keeps it). */
  makeEarlier(url: string): Promise<void>;
  /** The indexes on the sustained table beside its own key. */
  extraIndexes(url: string): Promise<string[]>;
}

const sqlite: Shaped = {
  async makeEarlier(url) {
    const db = new Database(new URL(url).pathname);
    for (const sql of EARLIER) db.exec(sql);
    db.close();
  },
  async extraIndexes(url) {
    const db = new Database(new URL(url).pathname, { readonly: true });
    try {
      const rows = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sustained' AND sql IS NOT NULL`).all() as { name: string }[];
      return rows.map((r) => r.name);
    } finally {
      db.close();
    }
  },
};

async function onDatabase<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const postgres: Shaped = {
  async makeEarlier(url) {
    await onDatabase(url, async (c) => {
      for (const sql of EARLIER) await c.query(sql.replaceAll('INTEGER', 'BIGINT'));
    });
  },
  async extraIndexes(url) {
    return onDatabase(url, async (c) => {
      const { rows } = await c.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'sustained' AND indexname <> 'sustained_pkey'`);
      return rows.map((r) => r.indexname);
    });
  },
};

const SHAPED: Record<string, Shaped> = { sqlite3: sqlite, postgres };

for (const engine of TEST_ENGINES.filter((e) => e.name in SHAPED)) {
  const shaped = SHAPED[engine.name]!;
  describe(`sustained inodes on ${engine.name}, either shape of the table`, () => {
    const storage = mkdtempSync(path.join(tmpdir(), 'slicefs-sustained-'));
    after(() => rmSync(storage, { recursive: true, force: true }));

    for (const earlier of [false, true]) {
      it(`${earlier ? 'a volume formatted with the earlier (session, ino) table and its index on ino' : 'a new volume: one table keyed by (ino, session)'}: open files outlive their names, then go`, async () => {
        const url = await engine.newUrl();
        const clients: Volume[] = [];
        try {
          if (earlier) await shaped.makeEarlier(url);
          await Volume.format(url, 'sustained', { storage: `file://${storage}/${engine.name}-${earlier}` });
          assert.deepEqual(await shaped.extraIndexes(url), earlier ? ['sustained_ino'] : [], 'the shape under test');
          const [holder, other] = [await Volume.open(url), await Volume.open(url)];
          clients.push(holder, other);
          const inodes = async () => (await other.usage()).inodes;
          const baseline = await inodes();
          const data = Buffer.alloc(10_000, 7);
          await holder.writeFile('/closed', data);
          await holder.writeFile('/kept', data);
          const closed = await holder.open('/closed', 'r');
          const kept = await holder.open('/kept', 'r');

          await other.unlink('/closed');
          await other.unlink('/kept');
          assert.deepEqual(await other.readdir('/'), [], 'the names are gone at once');
          assert.deepEqual((await closed.read(Buffer.alloc(data.length), 0, data.length, 0)).buffer, data, 'an unlinked open file reads whole');
          assert.equal(await inodes(), baseline + 2, 'both inodes are kept while open');
          const held = [(await closed.stat()).ino, (await kept.stat()).ino].sort((a, b) => a - b);
          assert.deepEqual((await other.meta.engine.listSustained(holder.meta.session)).sort((a, b) => a - b), held, 'listed under the holding session');

          await closed.close();
          await holder.settle();
          assert.equal(await inodes(), baseline + 1, 'the last close removes its inode');
          // The holder's volume closes with `kept` still open: closing releases it.
          await holder.close();
          clients.shift();
          assert.equal(await inodes(), baseline, 'and the other inode goes when its holder closes');
          assert.deepEqual((await checkVolume(other)).problems, [], 'fsck finds nothing wrong');
          assert.deepEqual(await shaped.extraIndexes(url), earlier ? ['sustained_ino'] : [], 'opening left the shape as it was');
        } finally {
          for (const c of clients) await c.close();
          await engine.cleanup(url);
        }
      });
    }
  });
}
