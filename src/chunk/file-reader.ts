import type { Meta } from '../meta/meta.js';
import { CHUNK_SIZE, type FirstChunk, type Ino, type SliceId, type SliceRecord } from '../meta/types.js';
import { resolveOverlay } from '../meta/overlay.js';
import { inlineSizeMismatch, type SliceReader } from './slice-reader.js';

/**
 * Bytes [from, to) of a chunk with these records, zeros where no slice shows. `inline`: the
 * inline data of the records' slices, all of it (a slice absent there keeps its bytes in objects).
 */
export async function readChunkRange(
  slices: SliceReader,
  records: readonly SliceRecord[],
  range: { from: number; to: number },
  inline?: ReadonlyMap<SliceId, Buffer>,
): Promise<Buffer> {
  const { from, to } = range;
  const out = Buffer.alloc(to - from);
  const reads: Promise<void>[] = [];
  for (const seg of resolveOverlay(records)) {
    const a = Math.max(from, seg.pos);
    const b = Math.min(to, seg.pos + seg.len);
    if (a >= b || seg.id === 0) continue;
    const [off, len] = [seg.off + (a - seg.pos), b - a];
    const data = inline?.get(seg.id);
    if (data) {
      if (data.length !== seg.size) throw inlineSizeMismatch(seg, data);
      data.copy(out, a - from, off, off + len);
      continue;
    }
    reads.push((inline ? slices.readObjects(seg, off, len) : slices.read(seg, off, len)).then((bytes) => void bytes.copy(out, a - from)));
  }
  await Promise.all(reads);
  return out;
}

/** Reads a byte range of a file: chunk records → visible segments → slice bytes (holes are zeros). */
export async function readFileRange(
  deps: { meta: Pick<Meta, 'readChunk'>; slices: SliceReader },
  file: { ino: Ino; length: number },
  range: { offset: number; length: number },
): Promise<Buffer> {
  const start = Math.min(range.offset, file.length);
  const end = Math.min(range.offset + range.length, file.length);
  const parts: Promise<Buffer>[] = [];
  for (let index = Math.floor(start / CHUNK_SIZE); index * CHUNK_SIZE < end; index++) {
    const chunkStart = index * CHUNK_SIZE;
    const from = Math.max(start, chunkStart) - chunkStart;
    const to = Math.min(end, chunkStart + CHUNK_SIZE) - chunkStart;
    parts.push(deps.meta.readChunk(file.ino, index).then((records) => readChunkRange(deps.slices, records, { from, to })));
  }
  const buffers = await Promise.all(parts);
  return buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers);
}

/** What an open read of a small file (Meta.OpenedFile): its first chunk, and its length then. */
export interface FileHead extends FirstChunk {
  length: number;
}

/** Reads a byte range of a file as its head describes it (no engine read; objects through `slices`). */
export function readHeadRange(slices: SliceReader, head: FileHead, range: { offset: number; length: number }): Promise<Buffer> {
  const from = Math.min(range.offset, head.length);
  const to = Math.min(range.offset + range.length, head.length, CHUNK_SIZE);
  return readChunkRange(slices, head.records, { from, to }, head.data);
}
