import type { BlockSizeOf } from '../meta/block-layout.js';
import type { Meta } from '../meta/meta.js';
import { resolveOverlay } from '../meta/overlay.js';
import { CHUNK_SIZE, type Ino, MAX_INLINE_SIZE } from '../meta/types.js';
import { blockKey } from './block-key.js';

/** One object a file's data is read from. */
export interface FileBlock {
  key: string;
  /** The object's size in bytes. */
  size: number;
}

/**
 * The blocks a read of the whole file would fetch: the blocks under the visible segments of its
 * chunks (bytes overlaid by later writes or cut by a truncate are not read, so not listed), each
 * once. Slices whose bytes the engine keeps (inline data) have no blocks.
 */
export async function fileBlocks(
  deps: { meta: Pick<Meta, 'readChunk' | 'readSliceData'>; blockSizeOf: BlockSizeOf },
  file: { ino: Ino; length: number },
): Promise<FileBlock[]> {
  const out = new Map<string, number>();
  for (let index = 0; index * CHUNK_SIZE < file.length; index++) {
    const visible = Math.min(CHUNK_SIZE, file.length - index * CHUNK_SIZE);
    const segments = resolveOverlay(await deps.meta.readChunk(file.ino, index));
    const small = [...new Set(segments.filter((s) => s.id !== 0 && s.size <= MAX_INLINE_SIZE).map((s) => s.id))];
    const inline = await deps.meta.readSliceData(small);
    for (const seg of segments) {
      const len = Math.min(seg.len, visible - seg.pos);
      if (seg.id === 0 || len <= 0 || inline.has(seg.id)) continue;
      const blockSize = deps.blockSizeOf(seg.id);
      for (let b = Math.floor(seg.off / blockSize); b * blockSize < seg.off + len; b++) {
        const blockLen = Math.min(blockSize, seg.size - b * blockSize);
        out.set(blockKey(seg.id, b, blockLen), blockLen);
      }
    }
  }
  return [...out].map(([key, size]) => ({ key, size }));
}
