import type { SliceId, SliceRecord } from './types.js';

/** A visible run of a chunk: `len` bytes at chunk position `pos`, from slice `id` at offset `off` (id 0: zeros). */
export interface Segment {
  pos: number;
  len: number;
  id: SliceId;
  /** The slice's total size (its block layout). */
  size: number;
  off: number;
}

/**
 * Resolves a chunk's records (oldest first, later ones on top) into the visible segments,
 * sorted by position and non-overlapping. Gaps that no record covers are absent (zeros).
 */
export function resolveOverlay(records: readonly SliceRecord[]): Segment[] {
  let segments: Segment[] = [];
  for (const r of records) {
    const start = r.pos;
    const end = r.pos + r.len;
    const next: Segment[] = [];
    for (const s of segments) {
      const sEnd = s.pos + s.len;
      if (sEnd <= start || s.pos >= end) {
        next.push(s);
        continue;
      }
      if (s.pos < start) next.push({ ...s, len: start - s.pos });
      if (sEnd > end) next.push({ ...s, pos: end, len: sEnd - end, off: s.off + (end - s.pos) });
    }
    next.push({ pos: r.pos, len: r.len, id: r.id, size: r.size, off: r.off });
    segments = next.sort((a, b) => a.pos - b.pos);
  }
  return segments;
}
