import type { VolumeView } from '../engine.js';
import type { Ino, SliceId } from '../types.js';
import { PAGE } from './check-namespace.js';
import { IdBits, IdCounts } from './id-table.js';
import type { Report } from './problems.js';
import { RECORD_CHECKS } from './record-checks.js';
import { adjustSliceRefs, removeOrphanChunks } from './repairs.js';
import { DATA_PAGE, inlineDataIn } from '../inline-data.js';

type Progress = ((phase: string, n: number) => void) | undefined;

/** What the store holds blocks of: slices live or queued, and their bytes (the stored counters). */
export interface StoredTotals {
  storedSlices: number;
  storedBytes: number;
}

/** The deletion queue's slice ids, counted into `stored`. */
async function pendingIds(view: VolumeView, stored: StoredTotals): Promise<IdBits> {
  const pending = new IdBits();
  for (let after = 0, page; (page = await view.pendingSlices(PAGE, after)).length; after = page[page.length - 1]!.id) {
    for (const p of page) {
      pending.add(p.id);
      stored.storedSlices++;
      stored.storedBytes += p.size;
    }
  }
  return pending;
}

/**
 * Checks slice reference counts against the chunk records that use them, in bounded memory: one
 * pass over the chunk records counting per slice id (4 bytes per id), then one over the slices.
 * Returns the number of slices seen, and what the stored counters should hold.
 */
export async function checkSlices(
  view: VolumeView,
  options: { inodes: IdBits; report: Report; onProgress: Progress },
): Promise<{ slices: number; stored: StoredTotals }> {
  const { inodes, report, onProgress } = options;
  const counts = new IdCounts();
  let orphan: Ino | undefined;
  let records = 0;
  for (let after, page; (page = await view.scanChunkRecords(after, PAGE)).length; after = page[page.length - 1]) {
    for (const row of page) {
      if (row.record.id !== 0) counts.add(row.record.id);
      for (const check of RECORD_CHECKS) {
        const finding = check(row);
        if (finding) report(finding);
      }
      if (inodes.has(row.ino) || row.ino === orphan) continue;
      orphan = row.ino;
      report({ kind: 'chunks-orphan', detail: `chunk records of missing inode ${row.ino}`, repair: removeOrphanChunks(row.ino) });
    }
    onProgress?.('chunk records', (records += page.length));
  }

  const stored: StoredTotals = { storedSlices: 0, storedBytes: 0 };
  const pending = await pendingIds(view, stored);
  const seen = new IdBits();
  const orphans = { ids: new IdBits(), size: 0 };
  let slices = 0;
  let lastId = 0;
  for (let after = 0, page; (page = await view.scanSlices(after, PAGE)).length; after = lastId) {
    lastId = page[page.length - 1]!.id;
    const inline = await inlineDataIn(view, { after, last: lastId });
    for (const slice of page) {
      seen.add(slice.id);
      stored.storedSlices++;
      stored.storedBytes += slice.size;
      const expected = counts.get(slice.id);
      if (slice.refs !== expected) {
        const repair = adjustSliceRefs(slice.id, expected - slice.refs);
        if (expected === 0) report({ kind: 'slice-unreferenced', detail: `slice ${slice.id} has ${slice.refs} references but no chunk record uses it`, repair });
        else report({ kind: 'slice-refs', detail: `slice ${slice.id} counts ${slice.refs} references, chunk records hold ${expected}`, repair, early: expected > slice.refs });
      }
      if (pending.has(slice.id)) report({ kind: 'queue-conflict', detail: `slice ${slice.id} is both live and queued for deletion` });
      const data = inline.get(slice.id);
      if (data && data.length !== slice.size) {
        report({ kind: 'inline-size', detail: `slice ${slice.id} of ${slice.size} bytes has ${data.length} bytes of inline data (reads fail with EIO)` });
      }
      inline.delete(slice.id);
    }
    noteInlineOrphans(inline, pending, orphans);
    onProgress?.('slices', (slices += page.length));
  }
  noteInlineOrphans(await inlineDataIn(view, { after: lastId, last: Infinity }), pending, orphans);
  if (orphans.size) await confirmInlineOrphans(view, orphans.ids, report);
  for (const [id, n] of counts.entries()) {
    if (seen.has(id)) continue;
    const queued = pending.has(id) ? ' (queued for deletion: data lost)' : '';
    report({ kind: 'slice-missing', detail: `${n} chunk records use slice ${id as SliceId}, which has no record${queued}` });
  }
  return { slices, stored };
}

/**
 * Inline data (DESIGN §2) left over once each slice took its own: rows of slices that had no
 * record when their page was read. A slice queued for deletion keeps its row until the deletion
 * finishes. Only candidates: without a snapshot (Redis) a slice committed or deleted by another
 * client between the reads looks the same (confirmInlineOrphans).
 */
function noteInlineOrphans(rows: ReadonlyMap<SliceId, Buffer>, pending: IdBits, orphans: { ids: IdBits; size: number }): void {
  for (const id of rows.keys()) if (!pending.has(id) && orphans.ids.add(id)) orphans.size++;
}

/**
 * Reports the candidates that are orphans still, read again in the order no writer can slip
 * through: every slice, then the deletion queue, then the inline data. A slice record and its
 * inline data are written in one transaction, a deletion queues the slice as it drops the record,
 * and the queue entry and the data go together: a live slice is in one of the first two reads, or
 * its data is gone by the third.
 */
async function confirmInlineOrphans(view: VolumeView, candidates: IdBits, report: Report): Promise<void> {
  const live = new IdBits();
  for (let after = 0, page; (page = await view.scanSlices(after, PAGE)).length; after = page[page.length - 1]!.id) {
    for (const slice of page) live.add(slice.id);
  }
  const pending = await pendingIds(view, { storedSlices: 0, storedBytes: 0 });
  for (let after = 0, rows; (rows = await view.scanSliceData(after, DATA_PAGE)).length; after = rows[rows.length - 1]!.id) {
    for (const { id, data } of rows) {
      if (candidates.has(id) && !live.has(id) && !pending.has(id)) {
        report({ kind: 'inline-orphan', detail: `inline data of ${data.length} bytes for slice ${id}, which has no record` });
      }
    }
  }
}
