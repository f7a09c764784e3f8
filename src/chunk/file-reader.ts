import type { Meta } from '../meta/meta.js';
import { CHUNK_SIZE, type Ino, type SliceId, type SliceRecord } from '../meta/types.js';
import { resolveOverlay } from '../meta/overlay.js';
import type { SliceReader } from './slice-reader.js';

/** Bytes [from, to) of a chunk with these records, zeros where no slice shows. */
export async function readChunkRange(
  slices: SliceReader,
  records: readonly SliceRecord[],
  range: { from: number; to: number },
): Promise<Buffer> {
  const { from, to } = range;
  const out = Buffer.alloc(to - from);
  const reads: Promise<void>[] = [];
  for (const seg of resolveOverlay(records)) {
    const a = Math.max(from, seg.pos);
    const b = Math.min(to, seg.pos + seg.len);
    if (a >= b || seg.id === 0) continue;
    reads.push(slices.read(seg, seg.off + (a - seg.pos), b - a).then((data) => void data.copy(out, a - from)));
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

/**
 * The first `length` bytes of a file (within its first chunk) from that chunk's records and the
 * inline data of their slices (an open's head, Meta.OpenedFile), or undefined when a visible part
 * lives in objects or its inline data is not the slice's size (the read path then reads, and
 * reports that as EIO).
 */
export function bytesFromInline(head: { records: readonly SliceRecord[]; data: ReadonlyMap<SliceId, Buffer> }, length: number): Buffer | undefined {
  if (length > CHUNK_SIZE) return undefined;
  const out = Buffer.alloc(length);
  for (const seg of resolveOverlay(head.records)) {
    const end = Math.min(length, seg.pos + seg.len);
    if (seg.pos >= end || seg.id === 0) continue;
    const data = head.data.get(seg.id);
    if (!data || data.length !== seg.size) return undefined;
    data.copy(out, seg.pos, seg.off, seg.off + (end - seg.pos));
  }
  return out;
}
