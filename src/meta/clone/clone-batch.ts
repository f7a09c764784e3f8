import type { EngineTx } from '../engine.js';
import { cloneEntriesGeneric } from './clone-entries-generic.js';
import type { CloneBatch, CloneEntriesSpec, CloneUnit } from './clone-spec.js';

/**
 * Entries one step of a batch copies before the clone looks at its signal again. A batch is one
 * transaction of up to `batchSize` (20,000) entries; cancellation must not wait for all of it
 * (DESIGN §3.11: "within one small batch"). On SQLite 1,000 entries take a few milliseconds.
 */
export const CLONE_STEP_ENTRIES = 1000;

/**
 * Lets the event loop run a full turn (an I/O poll included: one setImmediate queued from an I/O
 * callback runs before the next poll), so what cancels the clone (a released `.control` handle,
 * a signal) can be seen, then throws if it was cancelled.
 */
export async function yieldAndCheck(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  signal?.throwIfAborted();
}

const cloneEntries = (tx: EngineTx, units: readonly CloneUnit[], spec: CloneEntriesSpec): Promise<CloneBatch> =>
  tx.cloneEntries ? tx.cloneEntries(units, spec) : cloneEntriesGeneric(tx, units, spec);

/**
 * One batch of a directory clone (in the caller's transaction), copied in steps of at most
 * CLONE_STEP_ENTRIES with a look at `signal` before each: a cancelled clone throws, and its
 * transaction rolls back, within one step.
 */
export async function cloneBatchInSteps(
  tx: EngineTx,
  units: readonly CloneUnit[],
  spec: CloneEntriesSpec & { signal?: AbortSignal },
): Promise<CloneBatch> {
  const total: CloneBatch = { entries: 0, bytes: 0, dirs: [], progress: units.map((u) => ({ done: false, last: u.after })) };
  let budget = spec.budget;
  // Indexes (into `units`) of the units not finished yet, in order.
  let open = units.map((_, i) => i);
  while (open.length && budget > 0) {
    await yieldAndCheck(spec.signal);
    const step = open.map((i) => ({ ...units[i]!, after: total.progress[i]!.last }));
    const batch = await cloneEntries(tx, step, { budget: Math.min(budget, CLONE_STEP_ENTRIES), attrs: spec.attrs, owner: spec.owner, readableBy: spec.readableBy });
    open.forEach((i, j) => (total.progress[i] = batch.progress[j]!));
    total.entries += batch.entries;
    total.bytes += batch.bytes;
    total.dirs.push(...batch.dirs);
    budget -= Math.max(1, batch.entries);
    open = open.filter((i) => !total.progress[i]!.done);
  }
  return total;
}
