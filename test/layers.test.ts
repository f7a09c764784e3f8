import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const CHECKER = path.resolve('scripts/check-layers.mjs');

function check(root?: string): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [CHECKER, ...(root ? [root] : [])], { encoding: 'utf8' });
}

test('imports point down the layers of DESIGN §5, with no cycles', () => {
  const r = check();
  assert.equal(r.status, 0, r.stderr);
});

test('the layer checker sees every import form, in tests and conformance suites too', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slicefs-layers-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'src/sdk/volume.ts': 'export const v = 1;\n',
    'src/meta/double.ts': 'import { v } from "../sdk/volume.js";\nexport const a = v;\n',
    'src/meta/multi-line.ts': "import {\n  v,\n} from '../sdk/volume.js';\nexport const b = v;\n",
    'src/meta/dynamic.ts': "export const c = () => import('../sdk/volume.js');\n",
    'src/meta/side-effect.ts': "import '../sdk/volume.js';\n",
    'src/meta/re-export.ts': "export { v } from '../sdk/volume.js';\n",
    'src/meta/beside.test.ts': "import { v } from '../sdk/volume.js';\nvoid v;\n",
    'src/meta/testing/suite.ts': "import { v } from '../../sdk/volume.js';\nvoid v;\n",
    'src/meta/not-an-import.ts': "export const d = Buffer.from('..');\n",
    'src/meta/cycle-a.ts': "import { y } from './cycle-b.js';\nexport const x = y;\n",
    'src/meta/cycle-b.ts': "import { x } from './cycle-a.js';\nexport const y = x;\n",
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  const r = check(root);
  assert.equal(r.status, 1);
  const flagged = new Set([...r.stderr.matchAll(/^(src\/\S+): meta must not import sdk/gm)].map((m) => m[1]));
  assert.deepEqual([...flagged].sort(), [
    'src/meta/beside.test.ts',
    'src/meta/double.ts',
    'src/meta/dynamic.ts',
    'src/meta/multi-line.ts',
    'src/meta/re-export.ts',
    'src/meta/side-effect.ts',
    'src/meta/testing/suite.ts',
  ]);
  assert.match(r.stderr, /import cycle: src\/meta\/cycle-(a|b)\.ts/);
  assert.doesNotMatch(r.stderr, /not-an-import/);
});
