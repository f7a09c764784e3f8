// Runs the POSIX suite on any directory, as root: `npx tsx test/posix/cli.ts DIR [FAMILY…]`.
// Prints one line per failed case and the totals; exits 1 if a case failed.
import { describeFailures, runSuite } from './suite.js';

const [dir, ...only] = process.argv.slice(2);
if (!dir) {
  console.error('usage: tsx test/posix/cli.ts DIR [FAMILY…]');
  process.exit(2);
}
const started = Date.now();
const results = await runSuite({ dir, only: only.length ? only : undefined });
const failed = results.filter((r) => !r.passed);
if (failed.length) console.log(describeFailures(results));
const byFamily = new Map<string, { pass: number; fail: number }>();
for (const r of results) {
  const f = byFamily.get(r.family) ?? { pass: 0, fail: 0 };
  f[r.passed ? 'pass' : 'fail']++;
  byFamily.set(r.family, f);
}
for (const [family, { pass, fail }] of byFamily) console.log(`${family.padEnd(10)} ${pass} passed${fail ? `, ${fail} FAILED` : ''}`);
console.log(`${results.length - failed.length}/${results.length} cases passed on ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed.length ? 1 : 0);
