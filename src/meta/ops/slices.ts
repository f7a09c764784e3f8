import { FsError, isFsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { EngineTx, TxnOptions } from '../engine.js';
import type { CommitSetattr, SliceWrite } from '../meta.js';
import { type Attr, CHUNK_SIZE, type Ino, MAX_FILE_SIZE, MAX_INLINE_SIZE, type SliceId, type SliceRecord } from '../types.js';
import { changeLength, mustGetInode } from './inode-records.js';
import { applyOwnerModeTimes } from './setattr.js';
import { now } from '../times.js';
import { checkVolumeLimits } from '../space/volume-limits.js';
import { chargeFileGrowth } from '../space/dir-quotas.js';

/**
 * Records a new slice with one reference, with its bytes when they are inline, and counts it as
 * stored (the deletion queue's finish subtracts it).
 */
async function storeSlice(tx: EngineTx, slice: { id: SliceId; size: number }, data: Uint8Array | undefined): Promise<void> {
  await tx.createSlice(slice.id, slice.size);
  if (data) await tx.putSliceData(slice.id, data);
  await tx.addCounter('storedSlices', 1);
  await tx.addCounter('storedBytes', slice.size);
}

/** Inline data must be the whole slice, and small. */
function checkInlineData(ino: Ino, record: SliceRecord, data: Uint8Array | undefined): void {
  if (data && (data.length !== record.size || record.size > MAX_INLINE_SIZE || record.id === 0)) {
    throw new FsError('EINVAL', { syscall: 'write', ino, detail: `inline data of ${data.length} bytes for a slice of ${record.size} (at most ${MAX_INLINE_SIZE})` });
  }
}

/**
 * Commits freshly written slices (one reference each) and grows the file to cover them; appends
 * land at its end. The inode as this client's own last commit left it is offered to the engine
 * (TxnOptions.assume): on PostgreSQL a close's commit then takes one round trip instead of two.
 */
export async function commitSlices(
  ctx: MetaContext,
  ino: Ino,
  writes: readonly SliceWrite[],
  options?: TxnOptions & { setattr?: CommitSetattr },
): Promise<Attr> {
  checkSliceWrites(ino, writes);
  const assume = ctx.recent.get(ino, ctx.recent.lifetimeMs)?.attr;
  const { setattr, ...txnOptions } = options ?? {};
  return ctx.engine.txn(async (tx) => {
    const attr = await mustGetInode(tx, ino, 'write');
    if (attr.type !== 'file') throw new FsError('EBADF', { syscall: 'write', ino });
    await addSlices(ctx, tx, attr, writes);
    if (setattr) {
      // After the slices (their commit sets the mtime to now): a time set after the writes wins.
      const next = { ...attr };
      setattr.refused = undefined; // a retried transaction decides again
      try {
        applyOwnerModeTimes(setattr.caller, next, setattr.changes, now());
        Object.assign(attr, next);
      } catch (err) {
        setattr.refused = err;
      }
    }
    await tx.putInode(attr);
    return attr;
  }, assume ? { ...txnOptions, assume } : txnOptions);
}

/** Refuses slice records that are empty, overrun their slice, or land outside their chunk or the largest file. */
export function checkSliceWrites(ino: Ino, writes: readonly SliceWrite[]): void {
  for (const { index, record: r, atEnd, data } of writes) {
    checkInlineData(ino, r, data);
    const end = index * CHUNK_SIZE + r.pos + r.len;
    const placed = atEnd || (r.pos >= 0 && r.pos + r.len <= CHUNK_SIZE && end <= MAX_FILE_SIZE);
    if (r.len <= 0 || r.off < 0 || r.off + r.len > r.size || !placed) {
      throw new FsError('EINVAL', { syscall: 'write', ino, detail: 'slice record out of range' });
    }
  }
}

/**
 * Inside a transaction: records freshly written slices (one reference each) in the file and
 * grows `attr`'s length to cover them (the caller writes `attr` back); appends land at its end.
 */
export async function addSlices(ctx: MetaContext, tx: EngineTx, attr: Attr, writes: readonly SliceWrite[]): Promise<void> {
  const { ino } = attr;
  let length = attr.length;
  for (const { index, record, atEnd, data } of writes) {
    await storeSlice(tx, record, data);
    if (atEnd) {
      length = await appendAtEnd(tx, { ino, length }, record);
      continue;
    }
    await tx.appendChunk(ino, index, [record]);
    length = Math.max(length, index * CHUNK_SIZE + record.pos + record.len);
  }
  await checkVolumeLimits(ctx.settings, { tx, bytes: length - attr.length, syscall: 'write', ino });
  await chargeFileGrowth(ctx, tx, { attr, bytes: length - attr.length, syscall: 'write' });
  await changeLength(tx, attr, length);
}

/**
 * fsync of an inode whose writes are all committed: a durable commit that writes the inode back
 * unchanged (a commit that writes nothing syncs nothing on SQLite).
 */
export async function syncInode(ctx: MetaContext, ino: Ino): Promise<void> {
  try {
    await ctx.engine.txn(async (tx) => tx.putInode(await mustGetInode(tx, ino, 'fsync')), { durable: true });
  } catch (err) {
    // Read-only: this client committed nothing that could be lost; fsync succeeds, as on a read-only mount.
    if (!isFsError(err, 'EROFS')) throw err;
  }
}

/**
 * Places an append's bytes at the file's current `length` (as this transaction sees it), one
 * record per chunk it reaches, each holding a reference; returns the new end.
 */
async function appendAtEnd(tx: EngineTx, file: { ino: Ino; length: number }, record: SliceRecord): Promise<number> {
  const end = file.length + record.len;
  if (end > MAX_FILE_SIZE) throw new FsError('EFBIG', { syscall: 'write', ino: file.ino, detail: `an append at ${file.length} passes the largest file size` });
  for (let at = file.length, off = record.off; at < end; ) {
    const index = Math.floor(at / CHUNK_SIZE);
    const pos = at - index * CHUNK_SIZE;
    const len = Math.min(end - at, CHUNK_SIZE - pos);
    // createSlice gave the first record its reference; each further record adds one.
    if (at !== file.length) await tx.addSliceRefs([record.id]);
    await tx.appendChunk(file.ino, index, [{ ...record, pos, off, len }]);
    at += len;
    off += len;
  }
  return end;
}

const sameRecord = (a: SliceRecord, b: SliceRecord) =>
  a.id === b.id && a.pos === b.pos && a.off === b.off && a.len === b.len && a.size === b.size;

/** Replaces a chunk's leading records by one compacted slice, if they are still there. */
export async function compactChunk(
  ctx: MetaContext,
  target: { ino: Ino; index: number },
  spec: { replaced: readonly SliceRecord[]; result?: SliceRecord; data?: Uint8Array },
): Promise<boolean> {
  const { ino, index } = target;
  if (spec.result) checkInlineData(ino, spec.result, spec.data);
  return ctx.engine.txn(async (tx) => {
    const records = await tx.getChunk(ino, index);
    const n = spec.replaced.length;
    if (records.length < n || !spec.replaced.every((r, i) => sameRecord(r, records[i]!))) return false;
    const result = spec.result ? [spec.result] : [];
    if (spec.result && spec.result.id !== 0) await storeSlice(tx, spec.result, spec.data);
    await tx.setChunk(ino, index, [...result, ...records.slice(n)]);
    await tx.dropSliceRefs(spec.replaced.map((r) => r.id));
    return true;
  });
}
