// Everyday work on trees of small files (issue 13): slicefs mounts (SQLite + file:// by default;
// --engines adds Redis and PostgreSQL, each on its own fresh database or key prefix), bindfs (a
// passthrough FUSE file system in C, the baseline) and the local disk, in one run. Prints seconds
// per workload and target, the slicefs/bindfs throughput ratio (bindfs time / slicefs time) and
// the FUSE requests each workload cost the mount (read from its counters, `slicefs stats`).
//   npm run bench:workloads -- [--engines sqlite3,redis,postgres] [--only echo,untar,…] [--quick]
//     [--echo-files 1000] [--parallel-files 250] [--sdk-files 100000] [--tree DIR] [--dir /tmp] [--json]
//     [--inline-off-too]   (each engine also formatted with --inline-size 0, in the same run)
//     [--rounds N]         (every target N times, round after round; each figure is the median)
//     [--no-warm-up]       (time every workload from the mount's start: see warmUp in workloads/workloads.ts)
// Needs root, /dev/fuse, tar and git; installs bindfs from Debian when missing. Runs the built binary.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { MountStatsSnapshot } from '../src/fuse/mount-stats.js';
import { testEngines, TEST_ENGINES } from '../src/meta/testing/test-engines.js';
import { bindfsTarget, ensureBindfs, localTarget, slicefsTarget, type Target } from './workloads/targets.js';
import { type BenchContext, type TargetState, warmUp, WORKLOADS } from './workloads/workloads.js';

const { values } = parseArgs({
  options: {
    engines: { type: 'string', default: 'sqlite3' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'echo-files': { type: 'string' },
    'parallel-files': { type: 'string' },
    'sdk-files': { type: 'string' },
    tree: { type: 'string' },
    dir: { type: 'string', default: tmpdir() },
    json: { type: 'boolean', default: false },
    'inline-off-too': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
    'no-warm-up': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  // The comment this file opens with.
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  // Every target but the local disk is a FUSE mount (slicefs and bindfs), which needs root here.
  console.error('bench:workloads: needs root (it mounts slicefs and bindfs with FUSE, and may install bindfs)');
  process.exit(2);
}
const count = (v: string | undefined, full: number, quick: number) => (v === undefined ? (values.quick ? quick : full) : Number(v));
const engineNames = values.engines!.split(',').map((s) => s.trim());
for (const e of engineNames) if (!TEST_ENGINES.some((t) => t.name === e) || e === 'mem') throw new Error(`--engines: unknown engine '${e}' (sqlite3, redis, postgres)`);
const only = values.only?.split(',').map((s) => s.trim());
for (const w of only ?? []) if (!WORKLOADS.some((x) => x.name === w)) throw new Error(`--only: unknown workload '${w}' (${WORKLOADS.map((x) => x.name).join(', ')})`);
const workloads = WORKLOADS.filter((w) => !only || only.includes(w.name));
const tree = realpathSync(values.tree ?? (values.quick ? 'node_modules/@smithy' : 'node_modules'));

const work = mkdtempSync(path.join(values.dir!, 'slicefs-bench-workloads-'));
const ctx: BenchContext = {
  tarball: path.join(work, 'tree.tar'),
  localTree: path.join(work, 'tree', 'node_modules'),
  repo: realpathSync('.'),
  echoFiles: count(values['echo-files'], 1000, 200),
  parallelFiles: count(values['parallel-files'], 250, 50),
  sdkFiles: count(values['sdk-files'], 100_000, 5_000),
};

ensureBindfs();
const engines = testEngines().filter((e) => engineNames.includes(e.name));
// --inline-off-too: each engine also on a volume formatted with --inline-size 0 (the same run's before/after of inline data).
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: '${values.rounds}' is not a whole number of at least 1`);
/** Every target, each with its own volume, mount and directories under `dir` (one per round). */
const targetsIn = (dir: string): Target[] => [
  ...engines.flatMap((e) => [slicefsTarget(e, dir), ...(values['inline-off-too'] ? [slicefsTarget(e, dir, { inlineSize: 0 })] : [])]),
  bindfsTarget(dir),
  localTarget(dir),
];
/** The targets of the round under way (what an interrupt unmounts). */
let targets: Target[] = targetsIn(work);
/** Seconds (one per round) and FUSE requests (by opcode, the last round's) per target and workload. */
const seconds = new Map<string, Map<string, number[]>>();
const requests = new Map<string, Map<string, Record<string, number>>>();
/** The mount's own seconds per opcode (the last round's), per target and workload. */
const opSeconds = new Map<string, Map<string, Record<string, number>>>();
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const stopAll = async () => {
  for (const t of targets) await t.stop().catch((err: unknown) => process.stderr.write(`stopping ${t.name}: ${(err as Error).message}\n`));
};
let interrupted = false;
const onSignal = () => {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write('interrupted: unmounting everything\n');
  void stopAll().finally(() => {
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** FUSE requests between two snapshots, by opcode (the stats exchange itself adds about 6), and the mount's seconds in them. */
function requestsBetween(a: MountStatsSnapshot, b: MountStatsSnapshot): { count: Record<string, number>; seconds: Record<string, number> } {
  const count: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  for (const [op, t] of Object.entries(b.fuse)) {
    const n = t.count - (a.fuse[op]?.count ?? 0);
    if (n > 0) {
      count[op] = n;
      seconds[op] = t.seconds - (a.fuse[op]?.seconds ?? 0);
    }
  }
  return { count, seconds };
}

try {
  // One tar of the tree (the symlinks it holds stay symlinks), and the tree unpacked on the local disk for cp -r.
  execFileSync('tar', ['-cf', ctx.tarball, '-C', path.dirname(tree), '--transform', `s,^${path.basename(tree)},node_modules,`, path.basename(tree)]);
  execFileSync('sh', ['-c', `mkdir -p ${path.dirname(ctx.localTree)} && tar -xf ${ctx.tarball} -C ${path.dirname(ctx.localTree)}`]);
  const entries = Number(execFileSync('sh', ['-c', `tar -tf ${ctx.tarball} | wc -l`]).toString());
  const bytes = Number(execFileSync('du', ['-sb', ctx.localTree]).toString().split('\t')[0]);
  // Round after round, every target in turn: the machine's drift over minutes reaches them all alike.
  for (let round = 1; round <= rounds; round++) {
    const dir = path.join(work, `round-${round}`);
    targets = targetsIn(dir);
    for (const t of targets) {
      process.stderr.write(`${rounds > 1 ? `round ${round}, ` : ''}${t.name}: `);
      await t.start();
      const state: TargetState = {};
      const times = new Map<string, number>();
      const ops = new Map<string, Record<string, number>>();
      const opTimes = new Map<string, Record<string, number>>();
      try {
        let warm = values['no-warm-up'];
        for (const w of workloads) {
          if (!w.cold && !warm) {
            process.stderr.write('(warm-up) ');
            warmUp(t);
            warm = true;
          }
          process.stderr.write(`${w.name} `);
          await w.prepare?.(t, ctx, state);
          execFileSync('sync');
          const before = t.stats?.();
          const t0 = process.hrtime.bigint();
          await w.run(t, ctx, state);
          times.set(w.name, Number(process.hrtime.bigint() - t0) / 1e9);
          if (before && w.fuse) {
            const between = requestsBetween(before, t.stats!());
            ops.set(w.name, between.count);
            opTimes.set(w.name, between.seconds);
          }
        }
      } finally {
        await t.stop();
        // Each target's figures as soon as it is done, so a long run that fails later keeps them.
        process.stderr.write(`\n${t.name}: ${[...times].map(([w, s]) => `${w} ${s.toFixed(2)} s`).join(', ')}\n`);
      }
      const all = seconds.get(t.name) ?? new Map<string, number[]>();
      for (const [w, s] of times) all.set(w, [...(all.get(w) ?? []), s]);
      seconds.set(t.name, all);
      requests.set(t.name, ops);
      opSeconds.set(t.name, opTimes);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  const slicefsNames = targets.filter((t) => t.stats).map((t) => t.name);
  const total = (r: Record<string, number> | undefined) => (r ? Object.values(r).reduce((a, b) => a + b, 0) : undefined);
  if (values.json) {
    console.log(JSON.stringify({ date: new Date().toISOString(), ctx: { ...ctx, entries, bytes }, rounds,
      seconds: Object.fromEntries([...seconds].map(([k, v]) => [k, Object.fromEntries([...v].map(([w, xs]) => [w, median(xs)]))])),
      secondsPerRound: Object.fromEntries([...seconds].map(([k, v]) => [k, Object.fromEntries(v)])),
      requests: Object.fromEntries([...requests].map(([k, v]) => [k, Object.fromEntries(v)])) }, null, 2));
  } else {
    const sec = (t: string, w: string) => {
      const xs = seconds.get(t)?.get(w);
      return xs?.length ? median(xs) : undefined;
    };
    const fmt = (n: number | undefined, digits = 2) => (n === undefined ? '—' : n.toFixed(digits));
    const each = rounds > 1 ? `; each figure the median of ${rounds} rounds` : '';
    const warmed = values['no-warm-up'] ? '; no warm-up' : '; every target warmed up (untimed) after echo-cold';
    console.log(`bench:workloads — ${new Date().toISOString().slice(0, 16)}Z; tree: ${entries} entries, ${(bytes / 1e6).toFixed(0)} MB; on ${values.dir}${each}${warmed}`);
    console.log(`| workload | ${targets.map((t) => t.name).join(' | ')} | ${slicefsNames.map((n) => `${n} / bindfs`).join(' | ')} | FUSE requests (${slicefsNames.join(', ')}) |`);
    console.log(`|---|${targets.map(() => '---:').join('|')}|${slicefsNames.map(() => '---:').join('|')}|---:|`);
    for (const w of workloads) {
      const cells = targets.map((t) => `${fmt(sec(t.name, w.name))} s`);
      const ratios = slicefsNames.map((n) => fmt((sec('bindfs', w.name) ?? NaN) / (sec(n, w.name) ?? NaN)));
      const reqs = w.fuse ? slicefsNames.map((n) => total(requests.get(n)?.get(w.name))?.toLocaleString('en') ?? '—').join(', ') : '(SDK, no FUSE)';
      console.log(`| ${w.label(ctx).replaceAll('|', '\\|')} | ${cells.join(' | ')} | ${ratios.join(' | ')} | ${reqs} |`);
    }
    for (const name of slicefsNames) {
      console.log(`\nFUSE requests per workload on ${name}, by opcode (the mount's average µs per request):`);
      for (const w of workloads.filter((x) => x.fuse)) {
        const r = requests.get(name)?.get(w.name) ?? {};
        const s = opSeconds.get(name)?.get(w.name) ?? {};
        const top = Object.entries(r).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n} (${(((s[op] ?? 0) / n) * 1e6).toFixed(0)})`).join(', ');
        console.log(`- ${w.name}: ${top}`);
      }
    }
    for (const n of slicefsNames) {
      const s = sec(n, 'sdk-small-files');
      if (s !== undefined) console.log(`\nSDK small files on ${n}: ${(ctx.sdkFiles / s).toFixed(0)} files/s (goal ≥ 5,000)`);
    }
  }
} finally {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}
