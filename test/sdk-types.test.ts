// Issue 14 item 6: the SDK's public types are assignable to Node's (test/types/node-fs-promises.ts),
// checked by compiling that file with the project's compiler options; any error fails with tsc's output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { it } from 'node:test';

it("the SDK's types are assignable to node:fs/promises and node:fs where docs/sdk.md says so", () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const options = [
    '--noEmit', '--strict', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--lib', 'ES2023',
    '--types', 'node', '--skipLibCheck', '--noUncheckedIndexedAccess', '--esModuleInterop',
  ];
  const run = spawnSync(process.execPath, [tsc, ...options, 'test/types/node-fs-promises.ts'], { encoding: 'utf8' });
  assert.equal(run.status, 0, `tsc found type errors:\n${run.stdout}${run.stderr}`);
});
