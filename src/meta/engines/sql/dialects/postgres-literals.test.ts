import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { literal } from './postgres-literals.js';

const SERVER = process.env.SLICEFS_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432';

describe('postgres literals (the arguments of EXECUTE in a simple query)', () => {
  it('a value with no literal here is undefined (the statement then goes with parameters)', () => {
    assert.deepEqual([[1, 2], Number.NaN, Infinity, 'nul\0byte', {}, new Date(0)].map(literal), Array(6).fill(undefined));
    assert.deepEqual([undefined, null, 5, 'a', true].map(literal), ['NULL', 'NULL', `'5'`, `'a'`, `'true'`]);
  });

  it('every value reads back on a real server exactly as the same value sent as a parameter', async () => {
    const client = new pg.Client({ connectionString: `${SERVER}/postgres`, options: '-c standard_conforming_strings=on' });
    await client.connect();
    try {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const cases: Array<[unknown, string]> = [
        [0, 'bigint'], [-1, 'bigint'], [2 ** 53 - 1, 'bigint'], [1733312345678, 'bigint'], [-2.5, 'float8'], [7n, 'bigint'],
        [true, 'boolean'], [false, 'boolean'], [null, 'bigint'],
        ["it's", 'text'], ['back\\slash \\x41 \\\\', 'text'], ['{"a":"b\\"c"}', 'text'], ['ünïcødé ✓ \u{1F600}', 'text'], ['', 'text'],
        [bytes, 'bytea'], [Buffer.alloc(0), 'bytea'], [new Uint8Array(bytes.buffer, 10, 5), 'bytea'],
      ];
      for (const [i, [value, type]] of cases.entries()) {
        const asParam = (await client.query(`SELECT $1::${type} AS v`, [value])).rows[0].v;
        await client.query(`PREPARE lit_${i} AS SELECT $1::${type} AS v`);
        const asLiteral = (await client.query(`EXECUTE lit_${i}(${literal(value)})`)).rows[0].v;
        assert.deepEqual(asLiteral, asParam, `${type} ${String(value).slice(0, 40)}`);
      }
      // Untyped, as parameters are: the column decides (an INSERT … SELECT of them included).
      await client.query(`CREATE TEMP TABLE lit (a BIGINT, b BYTEA, c TEXT)`);
      await client.query(`PREPARE ins AS INSERT INTO lit (a, b, c) SELECT $1, $2, $3 WHERE $4 > 0`);
      await client.query(`EXECUTE ins(${[42, bytes, "o'k", 1].map(literal).join(', ')}); EXECUTE ins(${[43, Buffer.from('x'), null, 1].map(literal).join(', ')})`);
      const rows = (await client.query(`SELECT a, b, c FROM lit ORDER BY a`)).rows;
      assert.deepEqual(rows, [{ a: '42', b: bytes, c: "o'k" }, { a: '43', b: Buffer.from('x'), c: null }]);
    } finally {
      await client.end();
    }
  });
});
