import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Checkpointer } from './sqlite-checkpointer.js';

/** The rows a copy of the database file alone (without its WAL) holds: what checkpoints wrote. */
function rowsInFileAlone(dir: string, file: string): number {
  const copy = path.join(dir, 'alone.db');
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('sqlite checkpointer: WAL checkpoints on a worker thread', () => {
  it('copies committed pages into the database file while the writer keeps the WAL open', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-ckpt-'));
    const file = path.join(dir, 'vol.db');
    const db = new Database(file);
    const ckpt = new Checkpointer(file, { startAt: 64 * 1024, minIntervalMs: 3_600_000 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0'); // the writer never checkpoints itself here
      db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)');
      db.pragma('wal_checkpoint(TRUNCATE)'); // the empty table is in the file
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      insert.run(Buffer.alloc(100));
      assert.equal(ckpt.poke(), false, 'a WAL below startAt: no worker, no checkpoint asked for');
      db.transaction(() => {
        for (let i = 1; i < 1000; i++) insert.run(Buffer.alloc(100, i));
      })();
      assert.equal(rowsInFileAlone(dir, file), 0, 'nothing checkpointed yet: the rows are only in the WAL');
      assert.equal(ckpt.poke(), true);
      await ckpt.idle();
      assert.equal(ckpt.checkpoints, 1);
      assert.equal(ckpt.failure, undefined);
      assert.equal(rowsInFileAlone(dir, file), 1000, 'the worker copied the committed rows into the file');
      assert.equal(ckpt.poke(), false, 'within the minimum interval: no second checkpoint asked for');
      await ckpt.idle();
      assert.equal(ckpt.checkpoints, 1);
    } finally {
      await ckpt.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hears that a checkpoint finished while the event loop never turns (a loop of synchronous commits)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-ckpt-'));
    const file = path.join(dir, 'vol.db');
    const db = new Database(file);
    const ckpt = new Checkpointer(file, { startAt: 0, minIntervalMs: 0 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)');
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      assert.equal(ckpt.poke(), true);
      // Commit and poke without yielding: the worker's reply message cannot be delivered meanwhile,
      // so only what it says in shared memory lets a second checkpoint be asked for. (Bounded so a
      // regression fails instead of hanging, far beyond any worker's start; not a timing.)
      let asked = false;
      const giveUpAt = Date.now() + 60_000;
      for (let i = 0; !asked && Date.now() < giveUpAt; i++) {
        if (i % 1000 === 0) insert.run(Buffer.alloc(100, i));
        asked = ckpt.poke();
      }
      assert.ok(asked, 'a second checkpoint asked for before the event loop turned');
      await ckpt.idle();
      assert.equal(ckpt.checkpoints, 2);
      assert.equal(ckpt.failure, undefined);
    } finally {
      await ckpt.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker that cannot open the database reports why and stops asking; close still returns', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-ckpt-'));
    const reported: string[] = [];
    const ckpt = new Checkpointer(path.join(dir, 'missing.db'), { startAt: 0, onFailure: (why) => reported.push(why) });
    try {
      assert.equal(ckpt.poke(), true);
      await ckpt.idle();
      assert.match(ckpt.failure!, /cannot open .*missing\.db: unable to open database file/);
      assert.deepEqual(reported, [ckpt.failure], 'the owner is told once');
      assert.equal(ckpt.poke(), false, 'a failed worker is not asked again');
      assert.equal(ckpt.checkpoints, 0);
    } finally {
      await ckpt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
