import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FsError } from '../../../../errors/index.js';
import { testSettings } from '../../../testing/harness.js';
import { ROOT_INO } from '../../../types.js';
import { openSqliteEngine } from './sqlite.js';

/** The writer connection's synchronous setting (0 OFF, 1 NORMAL, 2 FULL), reached inside the dialect. */
const synchronousOf = (engine: object) =>
  (engine as { d: { writer: { db: { pragma(sql: string, o: { simple: true }): number } } } }).d.writer.db.pragma('synchronous', { simple: true });

describe('sqlite dialect: durable commits', () => {
  it('a durable transaction commits with synchronous=FULL; others, and every one after it, with NORMAL', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-sqlite-'));
    const engine = await openSqliteEngine(`sqlite3://${dir}/vol.db`, { create: true });
    try {
      const t = { sec: 0, nsec: 0 };
      await engine.format(testSettings(), { ino: ROOT_INO, type: 'dir', mode: 0o755, uid: 0, gid: 0, nlink: 2, length: 0, rdev: 0, atime: t, mtime: t, ctime: t, parent: ROOT_INO }, false);
      const seen: number[] = [];
      await engine.txn(async (tx) => void seen.push(synchronousOf(engine), (await tx.getInode(ROOT_INO))!.ino));
      await engine.txn(async () => void seen.push(synchronousOf(engine)), { durable: true });
      await assert.rejects(
        engine.txn(async () => {
          seen.push(synchronousOf(engine));
          throw new FsError('EIO', { syscall: 'test' });
        }, { durable: true }),
        (e: unknown) => e instanceof FsError && e.code === 'EIO',
      );
      await engine.txn(async () => void seen.push(synchronousOf(engine)));
      assert.deepEqual(seen, [1, ROOT_INO, 2, 2, 1]);
      assert.equal(synchronousOf(engine), 1, 'NORMAL again after a failed durable transaction');
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite dialect: rows', () => {
  it('a read returns objects keyed by column name (a later column of the same name wins); writes and RETURNING too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-sqlite-'));
    const engine = await openSqliteEngine(`sqlite3://${dir}/vol.db`, { create: true });
    type Querier = { all(sql: string, params?: unknown[]): Promise<unknown[]>; run(sql: string, params?: unknown[]): Promise<number> };
    const d = (engine as unknown as { d: { reader: Querier; transaction<T>(fn: (q: Querier) => Promise<T>): Promise<T> } }).d;
    try {
      await d.transaction(async (q) => {
        assert.deepEqual(await q.all('CREATE TABLE t (a INTEGER PRIMARY KEY, b BLOB)'), []);
        assert.equal(await q.run('INSERT INTO t (a, b) VALUES (?, ?), (?, ?)', [1, Buffer.from('x'), 2, null]), 2);
        assert.deepEqual(await q.all('INSERT INTO t (a, b) VALUES (?, ?) RETURNING a, b', [3, 'z']), [{ a: 3, b: 'z' }]);
      });
      assert.deepEqual(await d.reader.all('SELECT a, b, a * 10 AS "a b", b AS a FROM t ORDER BY 1'), [
        { a: Buffer.from('x'), b: Buffer.from('x'), 'a b': 10 },
        { a: null, b: null, 'a b': 20 },
        { a: 'z', b: 'z', 'a b': 30 },
      ]);
      assert.deepEqual(await d.reader.all('SELECT a FROM t WHERE a > ?', [9]), []);
      assert.equal(await d.reader.run('SELECT a FROM t'), 3, 'a read run counts its rows');
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
