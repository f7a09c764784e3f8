import type { SliceId } from '../meta/types.js';

/** The object key of block `index` of slice `id`: chunks/{id/1e6}/{id/1e3}/{id}_{index}_{blockLen}. */
export function blockKey(id: SliceId, index: number, blockLen: number): string {
  return `chunks/${Math.floor(id / 1e6)}/${Math.floor(id / 1e3)}/${id}_${index}_${blockLen}`;
}

/** The keys of every block of a slice of `size` bytes. */
export function sliceBlockKeys(id: SliceId, size: number, blockSize: number): string[] {
  const keys: string[] = [];
  for (let i = 0, at = 0; at < size; i++, at += blockSize) keys.push(blockKey(id, i, Math.min(blockSize, size - at)));
  return keys;
}

/** The slice id a block key belongs to, or undefined for keys that are not blocks. */
export function sliceIdOfKey(key: string): SliceId | undefined {
  const m = /^chunks\/\d+\/\d+\/(\d+)_(\d+)_(\d+)$/.exec(key);
  return m ? (Number(m[1]) as SliceId) : undefined;
}
