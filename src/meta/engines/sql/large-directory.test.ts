import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { testSettings, root } from '../../testing/harness.js';
import { testEngines } from '../../testing/test-engines.js';
import { ROOT_INO } from '../../types.js';
import { VolumeMeta } from '../../volume-meta.js';
import { sqliteFile } from './dialects/sqlite.js';

const ENTRIES = 1_000_000;

test('readdir pages through a directory of one million entries with its cursor (SQLite)', async () => {
  const engine = testEngines().find((e) => e.name === 'sqlite3')!;
  const url = await engine.newUrl();
  try {
    await VolumeMeta.format(url, testSettings());
    let meta = await VolumeMeta.open(url);
    const dir = await meta.mkdir(root, ROOT_INO, Buffer.from('huge'), 0o755);
    await meta.close();
    // Rows go in with one bulk statement: the point is the listing, not a million creates.
    const db = new Database(sqliteFile(url));
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
       INSERT INTO edge (parent, name, ino, type) SELECT ?, CAST(printf('e%07d', i) AS BLOB), 1000 + i, 'file' FROM seq`,
    ).run(ENTRIES - 1, dir.ino);
    db.close();
    meta = await VolumeMeta.open(url);
    let count = 0;
    let previous: Buffer | undefined;
    let after: Buffer | undefined;
    do {
      const page = await meta.readdir(root, dir.ino, { after, limit: 20_000 });
      for (const e of page.entries) {
        if (previous) assert.ok(Buffer.compare(previous, e.name) < 0, 'names strictly increase');
        previous = e.name;
        count++;
      }
      after = page.next;
    } while (after);
    assert.equal(count, ENTRIES);
    await meta.close();
  } finally {
    await engine.cleanup(url);
  }
});
