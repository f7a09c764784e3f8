import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { EngineTx } from '../engine.js';
import { resolveOverlay } from '../overlay.js';
import { type Attr, CHUNK_SIZE, type Ino, MAX_FILE_SIZE, type SliceId, type SliceRecord } from '../types.js';
import { changeLength, mustGetInode } from './inode-records.js';
import { checkVolumeLimits } from '../space/volume-limits.js';
import { chargeFileGrowth } from '../space/dir-quotas.js';

/** What copy_file_range copies: `length` bytes from `src` at `srcOffset` to `dst` at `dstOffset`. */
export interface CopyRangeSpec {
  src: Ino;
  srcOffset: number;
  dst: Ino;
  dstOffset: number;
  length: number;
}

function mustBeFile(attr: Attr): void {
  if (attr.type === 'dir') throw new FsError('EISDIR', { syscall: 'copy_file_range', ino: attr.ino });
  if (attr.type !== 'file') throw new FsError('EINVAL', { syscall: 'copy_file_range', ino: attr.ino });
}

/** Appends to `dst` records that show bytes [from, from+len) of `src` at `at`, split at chunk boundaries. */
async function shareRange(tx: EngineTx, spec: { src: Ino; dst: Ino; from: number; at: number; len: number }): Promise<SliceId[]> {
  const shared: SliceId[] = [];
  const pending = new Map<number, SliceRecord[]>();
  const push = (index: number, r: SliceRecord) => (pending.get(index) ?? pending.set(index, []).get(index)!).push(r);
  // Zeros first over the whole target range, so holes and gaps of the source read as zeros.
  for (let at = spec.at; at < spec.at + spec.len; ) {
    const index = Math.floor(at / CHUNK_SIZE);
    const n = Math.min(spec.at + spec.len - at, (index + 1) * CHUNK_SIZE - at);
    push(index, { pos: at - index * CHUNK_SIZE, id: 0 as SliceId, size: 0, off: 0, len: n });
    at += n;
  }
  const shift = spec.at - spec.from;
  for (let index = Math.floor(spec.from / CHUNK_SIZE); index * CHUNK_SIZE < spec.from + spec.len; index++) {
    const base = index * CHUNK_SIZE;
    for (const seg of resolveOverlay(await tx.getChunk(spec.src, index))) {
      const a = Math.max(spec.from, base + seg.pos);
      const b = Math.min(spec.from + spec.len, base + seg.pos + seg.len);
      if (a >= b || seg.id === 0) continue;
      for (let x = a; x < b; ) {
        const target = x + shift;
        const dstIndex = Math.floor(target / CHUNK_SIZE);
        const n = Math.min(b - x, (dstIndex + 1) * CHUNK_SIZE - target);
        push(dstIndex, { pos: target - dstIndex * CHUNK_SIZE, id: seg.id, size: seg.size, off: seg.off + (x - base - seg.pos), len: n });
        shared.push(seg.id);
        x += n;
      }
    }
  }
  for (const [index, records] of pending) await tx.appendChunk(spec.dst, index, records);
  return shared;
}

/**
 * copy_file_range(2) by sharing slices: the destination gets records pointing at the source's
 * slices (one more reference each) instead of copied bytes, for any offsets. Returns bytes copied.
 */
export async function copyRange(ctx: MetaContext, spec: CopyRangeSpec): Promise<number> {
  const { srcOffset, dstOffset, length } = spec;
  if (![srcOffset, dstOffset, length].every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new FsError('EINVAL', { syscall: 'copy_file_range', ino: spec.src, detail: 'bad offset or length' });
  }
  return ctx.engine.txn(async (tx) => {
    const src = await mustGetInode(tx, spec.src, 'copy_file_range');
    const dst = spec.dst === spec.src ? src : await mustGetInode(tx, spec.dst, 'copy_file_range');
    mustBeFile(src);
    mustBeFile(dst);
    const len = Math.max(0, Math.min(length, src.length - srcOffset));
    if (len === 0) return 0;
    if (spec.src === spec.dst && srcOffset < dstOffset + len && dstOffset < srcOffset + len) {
      throw new FsError('EINVAL', { syscall: 'copy_file_range', ino: spec.src, detail: 'overlapping ranges in one file' });
    }
    if (dstOffset + len > MAX_FILE_SIZE) throw new FsError('EFBIG', { syscall: 'copy_file_range', ino: spec.dst });
    const shared = await shareRange(tx, { src: src.ino, dst: dst.ino, from: srcOffset, at: dstOffset, len });
    await tx.addSliceRefs(shared);
    await checkVolumeLimits(ctx.settings, { tx, bytes: dstOffset + len - dst.length, syscall: 'copy_file_range', ino: spec.dst });
    await chargeFileGrowth(ctx, tx, { attr: dst, bytes: Math.max(0, dstOffset + len - dst.length), syscall: 'copy_file_range' });
    await changeLength(tx, dst, Math.max(dst.length, dstOffset + len));
    await tx.putInode(dst);
    return len;
  });
}
