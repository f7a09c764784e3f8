// npm run conformance -- --pjdfstest DIR --fsx BIN [--engines sqlite3,redis,postgres] [--suites pjdfstest,fsx]
//                        [--fsx-ops N] [--seed N] [--quiet]
//
// Formats and mounts a fresh volume on each engine, runs pjdfstest (`prove -r DIR/tests` as root
// from a directory inside the mount) and xfstests' fsx on it, and prints a pass/fail table. Both
// suites are built outside the project (docs/reliability.md says how); anything missing is
// named and the run exits 2 before it starts. Any failure exits 1.
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_ENGINES, type TestEngine } from '../../src/meta/testing/test-engines.js';
import { MountedVolume } from '../fuse/support/mounted-volume.js';
import { runFsx, runPjdfstest, type SuiteResult } from './suites.js';

const BIN = path.resolve('bin/slicefs.js');

const { values } = parseArgs({
  options: {
    pjdfstest: { type: 'string' },
    fsx: { type: 'string' },
    engines: { type: 'string', default: 'sqlite3,redis,postgres' },
    'fsx-ops': { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    suites: { type: 'string', default: 'pjdfstest,fsx' },
    quiet: { type: 'boolean', default: false },
  },
});

/** Everything the run needs that is not there, in words a user can act on. */
function missing(): string[] {
  const out: string[] = [];
  if (process.getuid?.() !== 0) out.push('run as root (pjdfstest switches users; mounts need root)');
  if (!existsSync('/dev/fuse')) out.push('/dev/fuse is missing');
  if (!existsSync(path.resolve('dist/cli'))) out.push('dist/ is not built: run `npm run build`');
  const suites = suiteNames();
  for (const name of suites) if (name !== 'pjdfstest' && name !== 'fsx') out.push(`--suites: unknown suite ${name} (pjdfstest, fsx)`);
  if (suites.includes('pjdfstest') && !values.pjdfstest) out.push('--pjdfstest DIR: a built pjdfstest checkout (autoreconf -ifs && ./configure && make pjdfstest)');
  else if (values.pjdfstest) {
    if (!existsSync(path.join(values.pjdfstest, 'tests'))) out.push(`${values.pjdfstest}/tests is missing`);
    if (!isExecutable(path.join(values.pjdfstest, 'pjdfstest'))) out.push(`${values.pjdfstest}/pjdfstest is not built`);
  }
  if (suites.includes('pjdfstest') && spawnSync('prove', ['--version']).status !== 0) out.push('prove (perl) is not installed');
  if (suites.includes('fsx') && !values.fsx) out.push('--fsx BIN: xfstests ltp/fsx.c built standalone');
  else if (values.fsx && !isExecutable(values.fsx)) out.push(`${values.fsx} is not an executable`);
  const ops = Number(values['fsx-ops']);
  if (!Number.isSafeInteger(ops) || ops <= 0) out.push(`--fsx-ops ${values['fsx-ops']}: not a positive integer`);
  for (const name of engineNames()) {
    if (name === 'mem' || !TEST_ENGINES.some((e) => e.name === name)) out.push(`--engines: ${name} is not an engine a mount can use (sqlite3, redis, postgres)`);
  }
  return out;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function suiteNames(): string[] {
  return values.suites!.split(',').map((s) => s.trim()).filter(Boolean);
}

function engineNames(): string[] {
  return values.engines!.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Formats a fresh volume on `engine`, mounts it, runs both suites, and removes it all. */
async function onEngine(engine: TestEngine): Promise<{ pjdfstest?: SuiteResult; fsx?: SuiteResult }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-conformance-'));
  const url = await engine.newUrl();
  let mount: MountedVolume | undefined;
  try {
    const format = spawnSync(process.execPath, [BIN, 'format', url, 'conformance', '--storage', `file://${dir}/objects/`], { encoding: 'utf8' });
    if (format.status !== 0) throw new Error(`format ${engine.name} failed: ${format.stderr}`);
    mount = await MountedVolume.start(url);
    spawnSync('chmod', ['0755', mount.mnt]);
    const echo = values.quiet ? undefined : `[${engine.name}]`;
    const done: { pjdfstest?: SuiteResult; fsx?: SuiteResult } = {};
    const announce = (suite: string, r: SuiteResult) => console.error(`conformance: ${engine.name} ${suite}: ${r.summary} (${r.seconds.toFixed(0)} s)`);
    if (suiteNames().includes('pjdfstest')) announce('pjdfstest', (done.pjdfstest = await runPjdfstest(values.pjdfstest!, mount.mnt, echo ? { echo } : {})));
    if (suiteNames().includes('fsx')) {
      announce('fsx', (done.fsx = await runFsx(values.fsx!, mount.mnt, { ops: Number(values['fsx-ops']), seed: Number(values.seed), ...(echo ? { echo } : {}) })));
    }
    return done;
  } finally {
    await mount?.stop();
    await engine.cleanup(url);
    rmSync(dir, { recursive: true, force: true });
  }
}

type Row = { engine: string; pjdfstest?: SuiteResult; fsx?: SuiteResult };
const cell = (r?: SuiteResult) => (r ? `${r.summary} | ${r.seconds.toFixed(0)} s` : 'not run | -');

function table(rows: Row[]): string {
  const lines = ['| engine | pjdfstest | time | fsx | time |', '|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.engine} | ${cell(r.pjdfstest)} | ${cell(r.fsx)} |`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const gaps = missing();
  if (gaps.length) {
    console.error(`conformance: cannot run:\n${gaps.map((g) => `  - ${g}`).join('\n')}`);
    return 2;
  }
  const rows: Row[] = [];
  for (const name of engineNames()) {
    const engine = TEST_ENGINES.find((e) => e.name === name)!;
    console.error(`conformance: ${name}: formatting, mounting, running ${suiteNames().join(' then ')}`);
    rows.push({ engine: name, ...(await onEngine(engine)) });
  }
  for (const r of rows) {
    for (const [suite, result] of [['pjdfstest', r.pjdfstest], ['fsx', r.fsx]] as const) {
      if (result && !result.ok) console.error(`\n--- ${r.engine} ${suite} (last lines) ---\n${result.detail}`);
    }
  }
  console.log(table(rows));
  return rows.every((r) => (r.pjdfstest?.ok ?? true) && (r.fsx?.ok ?? true)) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`conformance: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  },
);
