import path from 'node:path';
import type { SyscallHelper } from '../posix/syscall-helper.js';
import { type CloneMethod, copyWholeFile } from './clone-method.js';
import { describeOperation, generate, type Operation, type OperationKind } from './operations.js';
import { compareAfter, compareWhole, outcomeDifference } from './compare.js';
import { Side } from './side.js';

export interface ExerciserOptions {
  /** The directory under test (on the mount) and the reference (local disk). */
  dir: string;
  refDir: string;
  seed: number;
  ops: number;
  /** Run this list instead of generating one from the seed (a saved failing list). */
  replay?: readonly Operation[];
  files?: number;
  maxSize?: number;
  /** Every this many steps, whole files are compared (the cheap check covers the touched range). */
  fullEvery?: number;
  helper: SyscallHelper;
  /** How the directory under test clones a file (default: copy_file_range of the whole file). */
  clone?: CloneMethod;
  /** Time allowed to look for a shorter failing list after a divergence. */
  shrinkSeconds?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Where the two sides first differed. */
export interface Divergence {
  step: number;
  operation: string;
  detail: string;
}

export interface ExerciserResult {
  steps: number;
  seconds: number;
  counts: Partial<Record<OperationKind, number>>;
  divergence?: Divergence;
  /** The shortest failing prefix length found, and the shortest failing list (a subset of it). */
  shortestPrefix?: number;
  shortestList?: Operation[];
}

const MiB = 1024 * 1024;

interface RunListOptions {
  /** Fresh directories for this run: under test and reference. */
  sides: { dir: string; ref: string };
  files: number;
  fullEvery: number;
  helper: SyscallHelper;
  clone?: CloneMethod;
  signal?: AbortSignal;
  onStep?: (steps: number) => void;
  /** Keep the files of a failing run for inspection (shrinking trials are always removed). */
  keepFailing?: boolean;
}

/** Runs `ops` on fresh files on both sides, comparing after every step; the first divergence. */
async function runList(ops: readonly Operation[], o: RunListOptions): Promise<{ steps: number; divergence?: Divergence }> {
  const under = new Side(o.sides.dir, { files: o.files, helper: o.helper, clone: o.clone ?? copyWholeFile(o.helper) });
  const ref = new Side(o.sides.ref, { files: o.files, helper: o.helper, clone: copyWholeFile(o.helper) });
  let steps = 0;
  let divergence: Divergence | undefined;
  try {
    for (const [i, op] of ops.entries()) {
      if (o.signal?.aborted) break;
      const [a, b] = [await under.apply(op), await ref.apply(op)];
      steps = i + 1;
      const detail = outcomeDifference(a, b) ?? compareAfter(op, { under, ref, files: o.files }) ?? (steps % o.fullEvery === 0 || steps === ops.length ? compareWhole({ under, ref, files: o.files }) : undefined);
      if (detail) {
        divergence = { step: i, operation: describeOperation(op), detail };
        break;
      }
      o.onStep?.(steps);
    }
    return { steps, divergence };
  } finally {
    if (divergence && o.keepFailing) {
      under.close();
      ref.close();
    } else {
      under.remove();
      ref.remove();
    }
  }
}

/**
 * Delta debugging, simplified: removes runs of `chunk` operations (never the last, where the
 * divergence shows) while the rest still fails, halving `chunk` when nothing more goes.
 */
async function dropOperations(
  start: Operation[],
  { fails, deadline }: { fails: (list: readonly Operation[]) => Promise<Divergence | undefined>; deadline: number },
): Promise<Operation[]> {
  let list = start;
  let chunk = Math.max(1, Math.floor(list.length / 2));
  while (Date.now() < deadline) {
    let changed = false;
    for (let end = list.length - 1; end > 0 && Date.now() < deadline; ) {
      const from = Math.max(0, end - chunk);
      const candidate = [...list.slice(0, from), ...list.slice(end)];
      const d = await fails(candidate);
      if (d) {
        list = candidate.slice(0, d.step + 1);
        changed = true;
        end = Math.min(from, list.length - 1);
      } else end = from;
    }
    if (!changed && chunk === 1) break;
    if (!changed) chunk = Math.max(1, Math.floor(chunk / 2));
  }
  return list;
}

/**
 * The exerciser: a seeded list of operations on a few files, run on `dir` and mirrored on
 * `refDir`, compared after every step. On a divergence it looks for the shortest failing
 * prefix (bisection on fresh files), then drops operations while it still fails.
 */
export async function exercise(options: ExerciserOptions): Promise<ExerciserResult> {
  const o = { files: 3, maxSize: 8 * MiB, fullEvery: 100, shrinkSeconds: 120, log: () => {}, ...options };
  const ops = o.replay ?? generate({ seed: o.seed, count: o.ops, files: o.files, maxSize: o.maxSize });
  const started = Date.now();
  const counts: Partial<Record<OperationKind, number>> = {};
  const name = `torture-${o.seed}-${process.pid}`;
  let trial = 0;
  const fresh = () => ({ dir: path.join(o.dir, `${name}-${++trial}`), ref: path.join(o.refDir, `${name}-${trial}`) });
  const first = fresh();
  const run = await runList(ops, {
    ...o,
    sides: first,
    keepFailing: true,
    onStep: (i) => {
      const kind = ops[i - 1]!.kind;
      counts[kind] = (counts[kind] ?? 0) + 1;
      if (i % 1000 === 0) o.log(`${i} operations, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    },
  });
  const result: ExerciserResult = { steps: run.steps, seconds: (Date.now() - started) / 1000, counts, divergence: run.divergence };
  if (!run.divergence) return result;

  o.log(`DIVERGENCE with seed ${o.seed} at operation #${run.divergence.step} (${run.divergence.operation}): ${run.divergence.detail}`);
  o.log(`files left for inspection: ${first.dir} and ${first.ref}`);
  const deadline = Date.now() + o.shrinkSeconds * 1000;
  const fails = async (list: readonly Operation[]) => (await runList(list, { ...o, sides: fresh(), signal: undefined })).divergence;
  // Bisection over prefixes: `hi` always fails.
  let lo = 1;
  let hi = run.divergence.step + 1;
  while (lo < hi && Date.now() < deadline) {
    const mid = Math.floor((lo + hi) / 2);
    const d = await fails(ops.slice(0, mid));
    if (d) hi = d.step + 1;
    else lo = mid + 1;
  }
  result.shortestPrefix = hi;
  o.log(`shortest failing prefix: ${hi} operations (replay: --seed ${o.seed} --ops ${hi})`);
  // Then drop runs of operations (halves first, down to single ones) while it still fails.
  const list = await dropOperations(ops.slice(0, hi), { fails, deadline });
  result.shortestList = list;
  o.log(`shortest failing list found (${list.length} operations):\n${list.map((op, i) => `  ${i}: ${describeOperation(op)}`).join('\n')}`);
  return result;
}
