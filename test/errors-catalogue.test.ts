import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { slicefs } from './support/cli.js';

/** The rows of docs/errors.md: arguments, exit code, the one stderr line. */
function catalogue(): Array<{ args: string; code: number; message: string }> {
  const rows = [];
  for (const line of readFileSync('docs/errors.md', 'utf8').split('\n')) {
    const m = /^\| `slicefs ([^`]*)` \| (\d+) \| `(.*)` \|$/.exec(line);
    if (m) rows.push({ args: m[1]!, code: Number(m[2]), message: m[3]! });
  }
  return rows;
}

describe('docs/errors.md: every bad input gets the documented line and changes nothing', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-errors-'));
  const meta = `sqlite3://${dir}/v.db`;
  const fill = (s: string) => s.replaceAll('$META', meta).replaceAll('$DIR', dir);
  let status = '';
  before(() => {
    const f = slicefs(['format', meta, 'vol', '--storage', `file://${dir}/o/`]);
    assert.equal(f.code, 0, f.err);
    status = slicefs(['status', meta, '--json']).out;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const rows = catalogue();
  it('has rows for every command', () => assert.ok(rows.length >= 20, `only ${rows.length} rows parsed`));
  for (const row of rows) {
    it(`slicefs ${row.args}`, () => {
      const r = slicefs(fill(row.args).split(' '));
      assert.equal(r.err, `${fill(row.message)}\n`);
      assert.equal(r.code, row.code);
    });
  }
  it('left the volume and the directory as they were', () => {
    assert.deepEqual(JSON.parse(slicefs(['status', meta, '--json']).out).logical, JSON.parse(status).logical);
    assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('v.db')).sort(), ['o']);
  });
});
