import { FsError } from '../../errors/index.js';
import type { Engine, VolumeView } from '../engine.js';
import { plainView } from '../plain-view.js';
import type { SessionId } from '../types.js';
import { checkNamespace } from './check-namespace.js';
import { checkSlices } from './check-slices.js';
import type { Finding, FsckProblem } from './problems.js';
import { adjustCounter } from './repairs.js';

export type { FsckProblem } from './problems.js';

/** What fsck reports: counts of what it checked and every problem. */
export interface FsckReport {
  inodes: number;
  entries: number;
  slices: number;
  problems: FsckProblem[];
}

/** Options of `fsck`. */
export interface FsckRunOptions {
  /** Fix what can be fixed without losing data. */
  repair?: boolean;
  /** The caller's own session, which does not count as another client. */
  session?: SessionId;
  /**
   * Repair even while other clients are connected to an engine without snapshots (Redis): the
   * scan then reads a volume that changes under it, and a repair may undo another client's change.
   */
  force?: boolean;
  onProgress?: (phase: string, n: number) => void;
}

const COUNTERS = ['usedBytes', 'inodes', 'storedSlices', 'storedBytes'] as const;
type CheckedCounter = (typeof COUNTERS)[number];

const readCounters = async (view: VolumeView) =>
  Object.fromEntries(await Promise.all(COUNTERS.map(async (name) => [name, await view.getCounter(name)] as const))) as Record<CheckedCounter, number>;

/**
 * Every check, over one view of the volume; findings go to `findings`. Without a snapshot the
 * scan takes a while and the volume changes under it (other clients, this client's own queue of
 * deleted slices draining): a counter is compared only if it held still during the whole scan,
 * since every change to what it counts also moves it.
 */
async function checkAll(view: VolumeView, options: { findings: Finding[]; onProgress: FsckRunOptions['onProgress']; exact: boolean }) {
  const report = (f: Finding) => void options.findings.push(f);
  const before = options.exact ? undefined : await readCounters(view);
  const { inodes, counted } = await checkNamespace(view, { report, onProgress: options.onProgress });
  const { slices, stored } = await checkSlices(view, { inodes, report, onProgress: options.onProgress });
  const after = await readCounters(view);
  const counters = [
    ['usedBytes', counted.usedBytes, 'the files add up to'],
    ['inodes', counted.inodes, 'the files add up to'],
    ['storedSlices', stored.storedSlices, 'live and queued slices are'],
    ['storedBytes', stored.storedBytes, 'live and queued slices hold'],
  ] as const;
  for (const [name, actual, what] of counters) {
    const value = after[name];
    if (before && before[name] !== value) continue;
    if (value !== actual) report({ kind: 'counter', detail: `counter ${name} is ${value}, ${what} ${actual}`, repair: adjustCounter(name, actual - value) });
  }
  return { inodes: counted.inodes, entries: counted.entries, slices };
}

/** Refuses a repair that cannot be made safe while other clients change the volume. */
async function refuseWhileShared(engine: Engine, options: FsckRunOptions): Promise<void> {
  if (options.force) return;
  const now = Date.now();
  const others = (await engine.listSessions()).filter((s) => s.expires >= now && s.id !== options.session);
  if (!others.length) return;
  const who = others.map((s) => `${s.program} pid ${s.pid} on ${s.host}`).join(', ');
  throw new FsError('EBUSY', {
    syscall: 'fsck',
    detail:
      `${others.length} other client(s) connected (${who}); the ${engine.scheme} engine has no snapshot, so fsck would repair ` +
      `from a scan of a changing volume and could undo their changes. Stop them, or repair anyway with --force`,
  });
}

/**
 * Checks a volume's metadata: entries pointing at missing inodes, inodes nothing reaches, link
 * counts, slice reference counts against the chunk records, and the usage counters, streaming
 * the volume in bounded memory. On engines with snapshots the check reads one instant, so it is
 * exact on a live volume. With `repair`, each finding is fixed in a transaction that first checks
 * that it still holds; without snapshots, repair refuses while other clients are connected
 * unless `force` is set.
 */
export async function fsck(engine: Engine, options: FsckRunOptions = {}): Promise<FsckReport> {
  const repair = options.repair ?? false;
  const exact = engine.snapshot !== undefined;
  if (repair && !exact) await refuseWhileShared(engine, options);
  const findings: Finding[] = [];
  const check = (view: VolumeView) => checkAll(view, { findings, onProgress: options.onProgress, exact });
  const totals = exact ? await engine.snapshot!(check) : await check(plainView(engine));
  if (repair && !exact) await refuseWhileShared(engine, options);
  const problems: FsckProblem[] = [];
  for (const { kind, detail, repair: fix } of [...findings.filter((f) => f.early), ...findings.filter((f) => !f.early)]) {
    if (!repair || !fix) {
      problems.push({ kind, detail, repaired: false });
      continue;
    }
    const repaired = await fix(engine);
    problems.push({ kind, detail: repaired ? detail : `${detail} (no longer so, or held open: left alone)`, repaired });
  }
  return { ...totals, problems };
}
