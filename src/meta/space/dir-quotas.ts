import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { EngineTx } from '../engine.js';
import { type Attr, type DirQuota, type Ino, ROOT_INO } from '../types.js';

/** Logical usage of an entry or a tree: bytes (file lengths) and inodes. */
export interface Usage {
  bytes: number;
  inodes: number;
}

/** How a change moves the usage below directory `dir` (negative: it shrinks), and the operation. */
export interface QuotaCharge extends Usage {
  dir: Ino;
  syscall: string;
  ino?: Ino;
}

type QuotaContext = Pick<MetaContext, 'settings'>;

/** Directories deeper than this are not walked further up (a damaged parent chain must not loop). */
const MAX_DEPTH = 4096;

/**
 * The quotas that apply to entries of `dir`: its own and its ancestors' up to the root, nearest
 * first. Nothing is read on a volume that never had a quota (the `quotas` setting), and only the
 * (few) quota records where no quota exists any more; otherwise one read per ancestor.
 */
export async function quotasOver(ctx: QuotaContext, tx: EngineTx, dir: Ino): Promise<DirQuota[]> {
  if (!ctx.settings.quotas || !dir) return [];
  const all = await tx.listQuotas();
  if (!all.length) return [];
  const byIno = new Map(all.map((q) => [q.ino, q]));
  const over: DirQuota[] = [];
  let ino: Ino = dir;
  for (let depth = 0; ino && depth < MAX_DEPTH; depth++) {
    const quota = byIno.get(ino);
    if (quota) over.push(quota);
    if (ino === ROOT_INO) break;
    const attr = await tx.getInode(ino);
    if (!attr) break;
    ino = attr.parent;
  }
  return over;
}

/** EDQUOT when growing by `grow` passes a limit of one of `quotas` (shrinking never does). */
export function checkQuotas(quotas: readonly DirQuota[], grow: Usage & { syscall: string; ino?: Ino }): void {
  for (const q of quotas) {
    if (q.capacity > 0 && grow.bytes > 0 && q.usedBytes + grow.bytes > q.capacity) {
      throw new FsError('EDQUOT', { syscall: grow.syscall, ino: grow.ino, detail: `quota of directory inode ${q.ino}: ${q.capacity} bytes (${q.usedBytes} used)` });
    }
    if (q.inodeLimit > 0 && grow.inodes > 0 && q.usedInodes + grow.inodes > q.inodeLimit) {
      throw new FsError('EDQUOT', { syscall: grow.syscall, ino: grow.ino, detail: `quota of directory inode ${q.ino}: ${q.inodeLimit} inodes (${q.usedInodes} used)` });
    }
  }
}

async function addUsage(tx: EngineTx, quotas: readonly DirQuota[], delta: Usage): Promise<void> {
  if (!delta.bytes && !delta.inodes) return;
  for (const q of quotas) await tx.addQuotaUsage(q.ino, { bytes: delta.bytes, inodes: delta.inodes });
}

/**
 * Inside the change's transaction: EDQUOT when the change would grow usage below `dir` past a
 * quota over it (nested quotas: every one up to the root), else counts the change in each.
 */
export async function chargeQuotas(ctx: QuotaContext, tx: EngineTx, charge: QuotaCharge): Promise<void> {
  if (!ctx.settings.quotas || (!charge.bytes && !charge.inodes)) return;
  const quotas = await quotasOver(ctx, tx, charge.dir);
  checkQuotas(quotas, charge);
  await addUsage(tx, quotas, charge);
}

/**
 * A file's length changes by `bytes`: charged to the quotas over its directory. A file with
 * several names (parent 0) or none left (unlinked, still open) is not in one tree: not charged
 * (`quota check --repair` recounts hard-linked files).
 */
export async function chargeFileGrowth(ctx: QuotaContext, tx: EngineTx, spec: { attr: Attr; bytes: number; syscall: string }): Promise<void> {
  const { attr } = spec;
  if (!ctx.settings.quotas || attr.nlink === 0 || !attr.parent) return;
  await chargeQuotas(ctx, tx, { dir: attr.parent, bytes: spec.bytes, inodes: 0, syscall: spec.syscall, ino: attr.ino });
}

/** What one entry adds to the usage of the trees it is in: itself and, for a directory, all below it. */
export async function entryUsage(tx: EngineTx, attr: Attr): Promise<Usage> {
  if (attr.type !== 'dir') return { bytes: attr.type === 'file' ? attr.length : 0, inodes: 1 };
  if (tx.summarizeSubtree) {
    const below = await tx.summarizeSubtree(attr.ino);
    return { bytes: below.size, inodes: 1 + below.files + below.dirs };
  }
  const usage = { bytes: 0, inodes: 1 };
  for (let frontier = [attr.ino]; frontier.length; ) {
    const next: Ino[] = [];
    for (const dir of frontier) {
      for (let after: Buffer | undefined, more = true; more; ) {
        const edges = await tx.listEdges(dir, after, 1000);
        for (const e of edges) {
          const child = await tx.getInode(e.ino);
          if (!child) continue;
          usage.inodes += 1;
          if (child.type === 'file') usage.bytes += child.length;
          if (child.type === 'dir') next.push(child.ino);
        }
        after = edges[edges.length - 1]?.name;
        more = edges.length === 1000;
      }
    }
    frontier = next;
  }
  return usage;
}

/**
 * An entry moves from directory `from` to `to` (rename): its usage leaves the quotas over `from`
 * only and joins those over `to` only (EDQUOT if one of those would pass its limit). A directory's
 * usage is summed only when the move crosses a quota's boundary.
 */
export async function moveInQuotas(ctx: QuotaContext, tx: EngineTx, spec: { from: Ino; to: Ino; attr: Attr; syscall: string }): Promise<void> {
  if (!ctx.settings.quotas || spec.from === spec.to) return;
  const before = await quotasOver(ctx, tx, spec.from);
  const after = await quotasOver(ctx, tx, spec.to);
  const leaving = before.filter((q) => !after.some((a) => a.ino === q.ino));
  const entering = after.filter((q) => !before.some((b) => b.ino === q.ino));
  if (!leaving.length && !entering.length) return;
  const usage = await entryUsage(tx, spec.attr);
  checkQuotas(entering, { ...usage, syscall: spec.syscall, ino: spec.attr.ino });
  await addUsage(tx, leaving, { bytes: -usage.bytes, inodes: -usage.inodes });
  await addUsage(tx, entering, usage);
}

/** A directory is removed: its quota goes with it. */
export async function dropDirQuota(ctx: QuotaContext, tx: EngineTx, dir: Attr): Promise<void> {
  if (ctx.settings.quotas && dir.type === 'dir') await tx.deleteQuota(dir.ino);
}
