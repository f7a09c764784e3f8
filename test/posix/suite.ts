import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Case, expand, words } from './case.js';
import { families } from './cases/index.js';
import { type Expectation, failedChecks, type Observations, parseExpectation, pathsToSnapshot, readsAfter } from './expectation.js';
import type { StatShape } from './operations.js';
import type { WorkerReply } from './protocol.js';
import { syscallHelperBinary } from './syscall-helper.js';
import { USERS, type Actor } from './users.js';
import { WorkerClient } from './worker-client.js';

/** The outcome of one case on one directory. */
export interface CaseResult {
  family: string;
  index: number;
  title: string;
  actor: Actor;
  passed: boolean;
  /** Why it failed: the wrong outcome, failed checks, or a setup error. */
  problems: string[];
}

export interface SuiteOptions {
  /** The directory under test (a mount, or a local directory for the reference run). */
  dir: string;
  /** A directory on another file system, for EXDEV (default: the first of tmpdir, /dev/shm that differs). */
  otherFsDir?: string;
  /** Only these families. */
  only?: readonly string[];
}

/** A directory on a file system other than `dir`'s. */
export function otherFileSystem(dir: string): string {
  const dev = statSync(dir).dev;
  const found = [tmpdir(), '/dev/shm', '/run'].find((d) => statSync(d, { throwIfNoEntry: false })?.dev !== dev);
  if (!found) throw new Error(`no directory on a file system other than ${dir}'s`);
  return found;
}

/** Prefers the errno; a harness error is reported as such. */
const outcomeOf = (r: WorkerReply) => (r.ok ? 'ok' : 'errno' in r ? r.errno : `harness error: ${r.error}`);

interface Prepared {
  family: string;
  index: number;
  title: string;
  actor: Actor;
  dir: string;
  setup: string[][];
  operation: string[];
  expectation: Expectation;
  problems: string[];
  outcome?: string;
}

/**
 * Runs every case, as root and as nobody, in its own directory under `dir`, in phases so that
 * one clock tick separates each case's "before" snapshot from its operation: set up all,
 * snapshot all, wait, operate all, observe all. Cases never share a directory, so the order
 * across cases does not matter.
 */
export async function runSuite(options: SuiteOptions): Promise<CaseResult[]> {
  if (process.getuid?.() !== 0) throw new Error('the POSIX suite runs as root (it acts as nobody through setuid children)');
  const stamp = `posix-${process.pid}-${Date.now()}`;
  const base = path.join(options.dir, stamp);
  const other = path.join(options.otherFsDir ?? otherFileSystem(options.dir), stamp);
  mkdirSync(base, { mode: 0o755 });
  mkdirSync(other, { mode: 0o755 });
  const binary = syscallHelperBinary();
  const workers = { root: WorkerClient.start('root', binary), user: WorkerClient.start('user', binary) };
  try {
    const reach = await workers.user.run({ cwd: base, argv: ['lstat', '.'], owner: USERS.user });
    if (!reach.ok) throw new Error(`nobody cannot reach ${base} (${outcomeOf(reach)}): make its ancestors searchable (chmod o+x)`);
    const cases = prepare(base, other, options.only);
    await Promise.all(cases.map((c) => setUp(c, workers.root, other)));
    const live = cases.filter((c) => c.problems.length === 0);
    const before = await Promise.all(live.map((c) => snapshot(c, workers.root)));
    await new Promise((r) => setTimeout(r, 40)); // > one kernel clock tick: timestamps can move
    await Promise.all(live.map(async (c) => (c.outcome = outcomeOf(await workers[c.actor].run({ cwd: c.dir, argv: c.operation, owner: USERS[c.actor] })))));
    const after = await Promise.all(live.map((c) => snapshot(c, workers.root)));
    const reads = await Promise.all(live.map((c) => readAll(c, workers.root)));
    live.forEach((c, i) => {
      const want = c.expectation.errno ?? 'ok';
      if (c.outcome !== want) c.problems.push(`${c.operation.join(' ')}: expected ${want}, got ${c.outcome}`);
      const seen: Observations = { before: before[i]!, after: after[i]!, reads: reads[i]! };
      c.problems.push(...failedChecks(c.expectation, seen));
    });
    return cases.map(({ family, index, title, actor, problems }) => ({ family, index, title, actor, passed: problems.length === 0, problems }));
  } finally {
    await Promise.all([workers.root.close(), workers.user.close()]);
    rmSync(base, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
}

function prepare(base: string, other: string, only: readonly string[] | undefined): Prepared[] {
  return Object.entries(families)
    .filter(([family]) => !only || only.includes(family))
    .flatMap(([family, list]) =>
      list.map(([title, actor, setup, operation, expectation]: Case, index) => {
        const id = `${family}-${index}`;
        const vars = { X: path.join(other, id) };
        return {
          family, index, title, actor,
          dir: path.join(base, id),
          setup: setup.split(';').map((s) => words(expand(s, vars))).filter((w) => w.length > 0),
          operation: words(expand(operation, vars)),
          expectation: parseExpectation(expand(expectation, vars)),
          problems: [],
        };
      }),
    );
}

async function setUp(c: Prepared, root: WorkerClient, other: string): Promise<void> {
  const owner = USERS[c.actor];
  const steps = [['dir', c.dir, '0755', c.actor], ['dir', path.join(other, path.basename(c.dir)), '0777', c.actor], ...c.setup];
  for (const argv of steps) {
    const r = await root.run({ cwd: c.dir, argv, owner });
    if (!r.ok) {
      c.problems.push(`setup ${argv.join(' ')}: ${outcomeOf(r)}`);
      return;
    }
  }
}

async function snapshot(c: Prepared, root: WorkerClient): Promise<Map<string, StatShape | null>> {
  const paths = pathsToSnapshot(c.expectation);
  const replies = await Promise.all(paths.map((p) => root.run({ cwd: c.dir, argv: ['lstat', p], owner: USERS.root })));
  return new Map(paths.map((p, i) => {
    const r = replies[i]!;
    return [p, r.ok ? (r.value as StatShape) : null];
  }));
}

async function readAll(c: Prepared, root: WorkerClient): Promise<Map<string, string | string[] | null>> {
  const wanted = readsAfter(c.expectation);
  const replies = await Promise.all(wanted.map(({ path: p, kind }) => root.run({ cwd: c.dir, argv: [kind, p], owner: USERS.root })));
  return new Map(wanted.map(({ path: p, kind }, i) => {
    const r = replies[i]!;
    return [`${kind} ${p}`, r.ok ? (r.value as string | string[]) : null];
  }));
}

/** A readable report: one line per failed case. */
export function describeFailures(results: readonly CaseResult[]): string {
  return results
    .filter((r) => !r.passed)
    .map((r) => `${r.family}#${r.index} [${r.actor}] ${r.title}: ${r.problems.join('; ')}`)
    .join('\n');
}
