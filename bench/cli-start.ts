// How long a short `slicefs` command takes from start to exit: the bundled CLI that
// bin/slicefs.js runs (dist/cli-bundle/, scripts/bundle-cli.mjs) against the same commands run
// from dist/cli/main.js module by module, beside `node -e 0` (the floor: starting node itself).
// Alternating runs, medians. Needs `npm run build` and Redis on 127.0.0.1:6379 (database 15).
//   npm run bench:cli-start -- [--runs 15]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Number(values.runs);
const BIN = path.resolve('bin/slicefs.js');
const UNBUNDLED = `process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { main } = await import(${JSON.stringify(path.resolve('dist/cli/main.js'))});
process.exitCode = await main(process.argv.slice(1));`;

const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-bench-cli-'));
const sqlite = `sqlite3://${dir}/meta.db`;
const redis = 'redis://127.0.0.1:6379/15';

/** Seconds one run of `argv` takes, failing loudly if the command fails. */
function timed(argv: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return s;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  for (const url of [sqlite, redis]) {
    const f = spawnSync(process.execPath, [BIN, 'format', url, 'bench-cli', '--force', '--storage', `file://${dir}/objects/`], { encoding: 'utf8' });
    if (f.status !== 0) throw new Error(`format ${url}: ${f.stderr}`);
  }
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) floor.push(timed(['-e', '0']));
  console.log(`node -e 0: ${median(floor).toFixed(3)} s (median of ${RUNS})`);
  console.log('| command | bundled (bin/slicefs.js) s | dist/cli/main.js s | bundled / unbundled |');
  console.log('|---|---:|---:|---:|');
  for (const args of [['--version'], ['status', sqlite], ['status', redis], ['info', '--meta', sqlite, '/']]) {
    const bundled: number[] = [];
    const unbundled: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bundled.push(timed([BIN, ...args]));
      unbundled.push(timed(['--input-type=module', '-e', UNBUNDLED, '--', ...args]));
    }
    const [b, u] = [median(bundled), median(unbundled)];
    console.log(`| \`slicefs ${args.join(' ').replace(dir, 'DIR')}\` | ${b.toFixed(3)} | ${u.toFixed(3)} | ${(b / u).toFixed(2)} |`);
  }
} finally {
  const status = spawnSync(process.execPath, [BIN, 'status', redis, '--json'], { encoding: 'utf8' });
  const uuid = status.status === 0 ? (JSON.parse(status.stdout) as { settings: { uuid: string } }).settings.uuid : undefined;
  if (uuid) spawnSync(process.execPath, [BIN, 'destroy', redis, uuid, '--yes'], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
}
