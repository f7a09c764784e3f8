// Bundles the command line (after tsc has built dist/) into dist/cli-bundle/: main.js and the
// chunks its lazy imports load, our own modules only (packages stay imports of node_modules).
// Loading ~200 modules one by one was most of a command's start: `slicefs status` on SQLite
// took 0.29 s from dist/cli/main.js and 0.20 s bundled (docs/benchmarks.md). bin/slicefs.js runs
// the bundle when it is at least as new as dist/cli/main.js, so a plain `tsc` is never shadowed
// by an old bundle. meta.json says which of our modules each chunk holds (test/cli.test.ts).
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';

const OUT = 'dist/cli-bundle';

const result = await build({
  entryPoints: ['dist/cli/main.js'],
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(`${OUT}/meta.json`, JSON.stringify(result.metafile));
