// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node's test runner, after
// scripts/test-prerequisites.sh has installed or started what the suite needs (packages, Redis,
// PostgreSQL). Node 20 does not expand globs itself, so the files are passed explicitly.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

function find(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') out.push(...find(p));
    else if (e.isFile() && e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// SLICEFS_SKIP_TEST_PREREQUISITES=1 skips them (a machine set up another way).
if (!process.env.SLICEFS_SKIP_TEST_PREREQUISITES) {
  const prerequisites = spawnSync('bash', [new URL('test-prerequisites.sh', import.meta.url).pathname], { stdio: 'inherit' });
  if (prerequisites.status !== 0) process.exit(prerequisites.status ?? 1);
}

/**
 * The files that take longest (seconds of a full run in docs/benchmarks.md), started first: two
 * run at a time, and a long file started near the end would run alone while the other slot idles.
 * Order only: every test file runs either way.
 */
const LONGEST = [
  'test/clone-cli.test.ts',
  'test/multi-client.test.ts',
  'test/crash.test.ts',
  'test/docs-blocks.test.ts',
  'test/clone.test.ts',
  'test/fuse/two-mounts.test.ts',
  'test/torture.test.ts',
  'test/volume-config.test.ts',
  'test/first-hour.test.ts',
  'test/fuse/clone-on-mount.test.ts',
  'test/node-fs.test.ts',
  'test/gateway/gateway-cli.test.ts',
];

const only = process.argv.slice(2);
const all = [...find('src'), ...find('test')].sort();
const stale = LONGEST.filter((f) => !all.includes(f));
if (stale.length) {
  console.error(`scripts/test.mjs: LONGEST names ${stale.join(', ')}, not a test file (renamed?)`);
  process.exit(1);
}
const files = only.length ? only : [...LONGEST, ...all.filter((f) => !LONGEST.includes(f))];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { stdio: 'inherit', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
);
process.exit(result.status ?? 1);
