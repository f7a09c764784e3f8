// Child process of node-fs-caller.test.ts, started under setpriv as the caller: runs every caller
// scenario against node:fs/promises on the fixtures root made at BASE/s<i>, and prints each
// normalised result as one JSON array on stdout.
import nodeFs from 'node:fs/promises';
import { CALLER_SCENARIOS } from './caller-scenarios.js';
import { normalise } from './normalise.js';

const base = process.argv[2]!;
const results: unknown[] = [];
for (const [i, s] of CALLER_SCENARIOS.entries()) {
  const dir = `${base}/s${i}`;
  const p = (rel: string) => (rel ? `${dir}/${rel}` : dir);
  const rebase = (text: string) => text.split(dir).join('<base>');
  try {
    results.push({ value: normalise(await s.run(nodeFs, p), rebase) });
  } catch (err) {
    results.push({ threw: normalise(err, rebase) });
  }
}
process.stdout.write(JSON.stringify(results));
