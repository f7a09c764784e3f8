import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { EngineTx } from '../engine.js';
import type { FallocateSpec } from '../meta.js';
import { now } from '../times.js';
import { type Attr, CHUNK_SIZE, type Ino, MAX_FILE_SIZE, type SliceId } from '../types.js';
import { mustGetInode } from './inode-records.js';
import { truncateIn } from './truncate.js';
import { checkVolumeLimits } from '../space/volume-limits.js';
import { chargeFileGrowth } from '../space/dir-quotas.js';

/** fallocate(2) mode bits (linux/falloc.h). */
export const FALLOC_FL_KEEP_SIZE = 0x01;
export const FALLOC_FL_PUNCH_HOLE = 0x02;
export const FALLOC_FL_ZERO_RANGE = 0x10;

/**
 * fallocate(2) in one transaction. Space is never reserved (objects are written on demand), so
 * mode 0 only extends the length and KEEP_SIZE alone changes nothing. PUNCH_HOLE (with
 * KEEP_SIZE) and ZERO_RANGE append hole records (slice id 0, read as zeros) over the range
 * inside the file; ZERO_RANGE without KEEP_SIZE also extends. Other modes are ENOTSUP.
 */
export async function fallocate(ctx: MetaContext, ino: Ino, spec: FallocateSpec): Promise<Attr> {
  const { mode, offset, length } = spec;
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
    throw new FsError('ENOTSUP', { syscall: 'fallocate', ino, detail: `mode ${mode}` });
  }
  const punch = (mode & FALLOC_FL_PUNCH_HOLE) !== 0;
  const zero = (mode & FALLOC_FL_ZERO_RANGE) !== 0;
  if ((punch && !(mode & FALLOC_FL_KEEP_SIZE)) || (punch && zero)) throw new FsError('ENOTSUP', { syscall: 'fallocate', ino });
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length <= 0) {
    throw new FsError('EINVAL', { syscall: 'fallocate', ino });
  }
  const end = offset + length;
  if (end > MAX_FILE_SIZE) throw new FsError('EFBIG', { syscall: 'fallocate', ino });
  return ctx.engine.txn(async (tx) => {
    const attr = await mustGetInode(tx, ino, 'fallocate');
    if (attr.type === 'dir') throw new FsError('EISDIR', { syscall: 'fallocate', ino });
    if (attr.type !== 'file') throw new FsError('ENODEV', { syscall: 'fallocate', ino });
    if (punch || zero) {
      // Past EOF there is nothing to zero (the bytes already read as zeros): Linux succeeds there
      // without a change, so a range starting at or past the length writes no record at all.
      await punchHoles(tx, ino, { offset, end: Math.min(end, attr.length) });
      const t = now();
      attr.mtime = t;
      attr.ctime = t;
    }
    if (!(mode & FALLOC_FL_KEEP_SIZE) && end > attr.length) {
      await checkVolumeLimits(ctx.settings, { tx, bytes: end - attr.length, syscall: 'fallocate', ino });
      await chargeFileGrowth(ctx, tx, { attr, bytes: end - attr.length, syscall: 'fallocate' });
      await truncateIn(tx, attr, end);
    }
    await tx.putInode(attr);
    return attr;
  });
}

/** Appends hole records over [offset, end) chunk by chunk; an empty range writes nothing. */
async function punchHoles(tx: EngineTx, ino: Ino, range: { offset: number; end: number }): Promise<void> {
  const { offset, end } = range;
  for (let index = Math.floor(offset / CHUNK_SIZE); index * CHUNK_SIZE < end; index++) {
    const from = Math.max(offset, index * CHUNK_SIZE) - index * CHUNK_SIZE;
    const to = Math.min(end, (index + 1) * CHUNK_SIZE) - index * CHUNK_SIZE;
    if (to <= from || (await tx.getChunk(ino, index)).length === 0) continue;
    await tx.appendChunk(ino, index, [{ pos: from, id: 0 as SliceId, size: 0, off: 0, len: to - from }]);
  }
}
