import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SqlQuerier } from './dialect.js';
import { WriteBatch } from './write-batch.js';

/** A querier that records what it is sent. */
function recorder(): SqlQuerier & { sent: Array<[string, readonly unknown[]]> } {
  const sent: Array<[string, readonly unknown[]]> = [];
  return {
    sent,
    all: async <R>(sql: string, params: readonly unknown[] = []) => (sent.push([sql, params]), [] as R[]),
    run: async (sql: string, params: readonly unknown[] = []) => (sent.push([sql, params]), 1),
  };
}

describe('WriteBatch', () => {
  it('holds writes until the next other statement, and sends them as one WITH statement before it', async () => {
    const q = recorder();
    const batch = new WriteBatch(q);
    batch.later('t', 'a', 'INSERT INTO t VALUES (?)', [1]);
    batch.later('t', 'b', 'DELETE FROM t WHERE k = ?', [2]);
    batch.later('u', 'c', 'UPDATE u SET v = ?', [3]);
    assert.deepEqual(q.sent, []);
    await batch.all('SELECT ?', [4]);
    assert.deepEqual(q.sent, [
      ['WITH w0 AS (INSERT INTO t VALUES (?)), w1 AS (DELETE FROM t WHERE k = ?) UPDATE u SET v = ?', [1, 2, 3]],
      ['SELECT ?', [4]],
    ]);
  });

  it('holds an append with the other writes, but never two writes to its table in one statement', async () => {
    const q = recorder();
    const batch = new WriteBatch(q);
    batch.later('slice', '1', 'INSERT INTO slice VALUES (?)', [1]);
    await batch.laterAppend('chunk', 'INSERT INTO chunk SELECT MAX(seq) + ? FROM chunk', [1]);
    assert.deepEqual(q.sent, [], 'held');
    await batch.laterAppend('chunk', 'INSERT INTO chunk SELECT MAX(seq) + ? FROM chunk', [2]);
    assert.deepEqual(q.sent, [['WITH w0 AS (INSERT INTO slice VALUES (?)) INSERT INTO chunk SELECT MAX(seq) + ? FROM chunk', [1, 1]]], 'the first went out before the second was held');
    batch.later('node', '5', 'UPDATE node SET v = ?', [5]);
    await batch.flush();
    assert.deepEqual(q.sent[1], ['WITH w0 AS (INSERT INTO chunk SELECT MAX(seq) + ? FROM chunk) UPDATE node SET v = ?', [2, 5]]);
  });

  it('holds a group with its own clauses, named apart, after held writes to its tables went out', async () => {
    const q = recorder();
    const batch = new WriteBatch(q);
    batch.later('chunk', '1', 'UPDATE chunk SET v = ?', [1]);
    batch.later('node', '1', 'UPDATE node SET v = ?', [2]);
    const group = { clauses: [['d', 'DELETE FROM chunk WHERE k = ? RETURNING id'], ['c', 'SELECT id FROM {d}']] as const, sql: 'INSERT INTO q SELECT id, ? FROM {c}', params: [3, 4] };
    await batch.laterGroup(['chunk', 'q'], group);
    assert.deepEqual(q.sent, [['WITH w0 AS (UPDATE chunk SET v = ?) UPDATE node SET v = ?', [1, 2]]], 'the held write to its table went out first; all of them');
    batch.later('edge', 'a', 'DELETE FROM edge WHERE k = ?', [5]);
    await batch.laterGroup(['chunk', 'q'], group);
    batch.later('node', '2', 'UPDATE node SET v = ?', [6]);
    await batch.flush();
    assert.deepEqual(
      q.sent[1],
      ['WITH w0_d AS (DELETE FROM chunk WHERE k = ? RETURNING id), w0_c AS (SELECT id FROM w0_d), w0 AS (INSERT INTO q SELECT id, ? FROM w0_c) DELETE FROM edge WHERE k = ?', [3, 4, 5]],
      'a second group on its tables sent the first, with the writes held after it',
    );
    assert.deepEqual(q.sent[2], ['WITH w0_d AS (DELETE FROM chunk WHERE k = ? RETURNING id), w0_c AS (SELECT id FROM w0_d), w0 AS (INSERT INTO q SELECT id, ? FROM w0_c) UPDATE node SET v = ?', [3, 4, 6]]);
    await batch.laterGroup(['chunk', 'q'], group);
    await batch.later('q', '9', 'DELETE FROM q WHERE id = ?', [9]);
    assert.equal(q.sent.length, 4, 'a single-row write to a held group\'s table sent the group first');
    await batch.flush();
    assert.deepEqual(q.sent[4], ['DELETE FROM q WHERE id = ?', [9]]);
    await batch.laterGroup(['chunk', 'q'], group);
    await batch.flush();
    assert.deepEqual(q.sent[5], ['WITH w0_d AS (DELETE FROM chunk WHERE k = ? RETURNING id), w0_c AS (SELECT id FROM w0_d) INSERT INTO q SELECT id, ? FROM w0_c', [3, 4]], 'alone, last: its clauses and its main statement');
  });

  it('sends an atEnd statement (NOTIFY) as the main statement after the held writes, or alone', async () => {
    const q = recorder();
    const batch = new WriteBatch(q);
    batch.later('t', 'a', 'INSERT INTO t VALUES (?)', [1]);
    await batch.atEnd().all('SELECT pg_notify(?, ?)', ['ch', 'x']);
    assert.deepEqual(q.sent, [], 'nothing goes out before the flush');
    await batch.flush();
    await batch.atEnd().all('SELECT pg_notify(?, ?)', ['ch', 'y']);
    await batch.flush();
    assert.deepEqual(q.sent, [
      ['WITH w0 AS (INSERT INTO t VALUES (?)) SELECT pg_notify(?, ?)', [1, 'ch', 'x']],
      ['SELECT pg_notify(?, ?)', ['ch', 'y']],
    ]);
  });

  it('keeps one write per row: a later one replaces the held one, or merges into it', async () => {
    const q = recorder();
    const batch = new WriteBatch(q);
    batch.later('t', '1', 'PUT ?', ['old']);
    batch.later('counter', 'c', 'ADD ?', [5]);
    batch.later('t', '1', 'DELETE ?', ['new']);
    batch.later('counter', 'c', 'ADD ?', [-2], (held) => [(held[0] as number) - 2]);
    await batch.flush();
    assert.deepEqual(q.sent, [['WITH w0 AS (DELETE ?) ADD ?', ['new', 3]]]);
  });

  it('sends a single held write as it is, and nothing when none is held', async () => {
    const q = recorder();
    const batch = new WriteBatch(q);
    await batch.flush();
    batch.later('t', 'a', 'PUT ?', [1]);
    await batch.run('DELETE x', []);
    await batch.flush();
    assert.deepEqual(q.sent, [['PUT ?', [1]], ['DELETE x', []]]);
  });

  it('a statement on other tables than the held writes goes first; one on theirs sends them before it', async () => {
    const q = recorder();
    const batch = new WriteBatch(q);
    batch.later('edge', 'a', 'DELETE FROM edge', []);
    await batch.on(['sustained']).all('SELECT FROM sustained', []);
    await batch.on(['chunk_slice', 'slice']).run('DELETE FROM chunk_slice', []);
    assert.deepEqual(q.sent.map(([sql]) => sql), ['SELECT FROM sustained', 'DELETE FROM chunk_slice'], 'the edge write is still held');
    batch.later('sustained', '1 2', 'INSERT INTO sustained', []);
    await batch.on(['sustained']).all('SELECT FROM sustained', []);
    assert.deepEqual(q.sent.slice(2).map(([sql]) => sql), ['WITH w0 AS (DELETE FROM edge) INSERT INTO sustained', 'SELECT FROM sustained']);
  });
});
