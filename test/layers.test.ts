import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('imports point down the layers of DESIGN §5, with no cycles', () => {
  const r = spawnSync(process.execPath, ['scripts/check-layers.mjs'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
