import type { VolumeView } from './engine.js';
import type { SliceId } from './types.js';

/** Inline data rows fetched at once (each at most 64 KiB; fsck pages by it too). */
export const DATA_PAGE = 200;

/** The inline data of slices numbered in (after, last]. */
export async function inlineDataIn(view: Pick<VolumeView, 'scanSliceData'>, range: { after: number; last: number }): Promise<Map<SliceId, Buffer>> {
  const out = new Map<SliceId, Buffer>();
  for (let after = range.after, rows; (rows = await view.scanSliceData(after, DATA_PAGE)).length; after = rows[rows.length - 1]!.id) {
    for (const r of rows) if (r.id <= range.last) out.set(r.id, r.data);
    if (rows[rows.length - 1]!.id >= range.last) break;
  }
  return out;
}
