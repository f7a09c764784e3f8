import type { Meta } from '../meta/meta.js';
import { CHUNK_SIZE, type FirstChunk, type Ino, type SliceId, type SliceRecord } from '../meta/types.js';
import { resolveOverlay, type Segment } from '../meta/overlay.js';
import { inlineSizeMismatch, type SliceReader } from './slice-reader.js';

/**
 * Bytes [from, to) of a chunk with these records, zeros where no slice shows. `inline`: the
 * inline data of the records' slices, all of it (a slice absent there keeps its bytes in objects).
 * A range that one slice covers whole comes as that slice's bytes, which may be the block cache's
 * own memory (no copy): read the result, never write to it.
 */
export async function readChunkRange(
  slices: SliceReader,
  records: readonly SliceRecord[],
  range: { from: number; to: number },
  inline?: ReadonlyMap<SliceId, Buffer>,
): Promise<Buffer> {
  const { from, to } = range;
  if (to <= from) return Buffer.alloc(0);
  const parts = resolveOverlay(records).filter((seg) => seg.id !== 0 && seg.pos < to && seg.pos + seg.len > from);
  const sliceBytes = (seg: Segment, a: number, b: number): Promise<Buffer> => {
    const [off, len] = [seg.off + (a - seg.pos), b - a];
    const data = inline?.get(seg.id);
    if (!data) return inline ? slices.readObjects(seg, off, len) : slices.read(seg, off, len);
    if (data.length !== seg.size) throw inlineSizeMismatch(seg, data);
    return Promise.resolve(data.subarray(off, off + len));
  };
  const only = parts.length === 1 ? parts[0]! : undefined;
  if (only && only.pos <= from && only.pos + only.len >= to) return sliceBytes(only, from, to);
  const out = Buffer.alloc(to - from);
  await Promise.all(
    parts.map((seg) => {
      const [a, b] = [Math.max(from, seg.pos), Math.min(to, seg.pos + seg.len)];
      return sliceBytes(seg, a, b).then((bytes) => void bytes.copy(out, a - from));
    }),
  );
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
