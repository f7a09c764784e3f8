import type { SliceId, VolumeSettings } from './types.js';

/** The block size a slice was stored with, by its id (slice ids only grow, so a change splits them in two). */
export type BlockSizeOf = (id: SliceId) => number;

/**
 * The block size of each slice: the size in force when it was written. `slicefs config
 * --block-size` records the old size with the first slice id it no longer applies to
 * (`blockHistory`), so slices written before a change keep reading their blocks.
 */
export function blockSizeOf(settings: Pick<VolumeSettings, 'blockSize' | 'blockHistory'>): BlockSizeOf {
  const history = [...(settings.blockHistory ?? [])].sort((a, b) => a.belowSlice - b.belowSlice);
  if (!history.length) return () => settings.blockSize;
  return (id) => history.find((h) => id < h.belowSlice)?.blockSize ?? settings.blockSize;
}
