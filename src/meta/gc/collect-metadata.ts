import { removeDetachedTree } from '../clone/remove-tree.js';
import type { Engine } from '../engine.js';
import { cleanExpiredSessions } from '../sessions.js';
import { claimDetached, type DetachedTree, judgeDetached } from './detached-trees.js';
import { purgeTrash } from '../trash/purge-trash.js';

/** What the metadata part of gc found and (with `delete`) removed. */
export interface MetadataGcReport {
  expiredSessions: number;
  /** Unlinked inodes that expired sessions kept open, now deleted. */
  sustainedInodes: number;
  /** Detached trees: all of them, those gc may remove (found), removed; and each one as judged. */
  detachedTrees: { total: number; found: number; removed: number; inodes: number; trees: DetachedTree[] };
  /** Slices with no reference left that were not queued for deletion. */
  unreferencedSlices: { found: number; queued: number };
  /** Files and directories removed from the trash because they were older than `trashDays`. */
  trashPurged: number;
}

/**
 * Finds leftovers in the metadata: sessions whose heartbeat stopped (and the unlinked inodes
 * they kept), detached trees of clones whose session is gone or that are older than
 * `thresholdMs`, and slices left with no references. Removes them when `remove` is set.
 */
export async function collectMetadataGarbage(
  engine: Engine,
  options: { remove: boolean; thresholdMs: number; now?: number; onProgress?: (phase: string, n: number) => void },
): Promise<MetadataGcReport> {
  const now = options.now ?? Date.now();
  const sessions = await engine.listSessions();
  const expired = sessions.filter((s) => s.expires < now);
  const report: MetadataGcReport = {
    expiredSessions: expired.length,
    sustainedInodes: 0,
    detachedTrees: { total: 0, found: 0, removed: 0, inodes: 0, trees: [] },
    unreferencedSlices: { found: 0, queued: 0 },
    trashPurged: 0,
  };
  if (options.remove) report.sustainedInodes = (await cleanExpiredSessions(engine, now)).inodes;
  const trashDays = (await engine.loadSettings())?.trashDays ?? 0;
  if (options.remove && trashDays > 0) report.trashPurged = await purgeTrash(engine, { trashDays, now });

  const trees = judgeDetached(await engine.listDetached(), sessions, { now, thresholdMs: options.thresholdMs });
  report.detachedTrees.total = trees.length;
  report.detachedTrees.trees = trees;
  for (const node of trees) {
    if (!node.reclaimable) continue;
    report.detachedTrees.found++;
    if (!options.remove) continue;
    // Claimed first: a clone still running stops at its next batch instead of building under what is removed.
    if (!(await claimDetached(engine, node))) continue;
    report.detachedTrees.inodes += await removeDetachedTree(engine, node.ino);
    report.detachedTrees.removed++;
    options.onProgress?.('detached trees', report.detachedTrees.removed);
  }

  // Page by page (bounded memory); each page's queueing re-reads the counts in its transaction.
  let scanned = 0;
  for (let after = 0, page; (page = await engine.scanSlices(after, 10_000)).length; after = page[page.length - 1]!.id) {
    const unreferenced = page.filter((s) => s.refs <= 0).map((s) => s.id);
    scanned += page.length;
    options.onProgress?.('slices', scanned);
    report.unreferencedSlices.found += unreferenced.length;
    if (!options.remove || !unreferenced.length) continue;
    report.unreferencedSlices.queued += await engine.txn(async (tx) => {
      const current = await tx.getSlices(unreferenced);
      const still = unreferenced.filter((id) => (current.get(id)?.refs ?? 1) <= 0);
      if (still.length) await tx.dropSliceRefs(still);
      return still.length;
    });
  }
  return report;
}
