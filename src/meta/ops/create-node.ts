import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { checkName, isDotName } from '../names.js';
import { checkModifyDir } from '../permissions.js';
import { checkNotTrash } from '../trash/trash.js';
import type { Attr, Caller, FileType, Ino } from '../types.js';
import { newAttr, readEntry, touchDir } from './inode-records.js';
import { addSlices, checkSliceWrites } from './slices.js';
import type { SliceWrite } from '../meta.js';
import { checkVolumeLimits } from '../space/volume-limits.js';
import { chargeQuotas } from '../space/dir-quotas.js';

/** What a new inode is: its type, mode (before umask), and a symlink target or device. */
export interface CreateSpec {
  type: FileType;
  mode: number;
  rdev?: number;
  target?: Buffer;
  /** Also open it for this session (open(2) with O_CREAT): one transaction for both. */
  open?: boolean;
  /** A new file's data, as slices already uploaded: created with them in the same transaction (writeFile of a new file). */
  writes?: readonly SliceWrite[];
}

/**
 * Creates a new inode named `name` in `parent`: one transaction, EEXIST if the name is taken. The
 * directory as this client's own last commit left it, and the name as absent (a create follows a
 * lookup that found none), are offered to the engine (TxnOptions.assume): on PostgreSQL and
 * Redis the create then reads nothing and commits in one round trip.
 */
export async function createNode(
  ctx: MetaContext,
  caller: Caller,
  at: { parent: Ino; name: Buffer; syscall: string },
  spec: CreateSpec,
): Promise<Attr> {
  const { parent, name, syscall } = at;
  checkName(name, syscall);
  const ino = (await ctx.inodeIds.one()) as Ino;
  if (spec.writes) {
    if (spec.type !== 'file') throw new FsError('EINVAL', { syscall, detail: 'only a file is created with data' });
    checkSliceWrites(ino, spec.writes);
  }
  const mode = spec.type === 'symlink' ? 0o777 : spec.mode & ~caller.umask;
  if (spec.open) ctx.openFiles.add(ino);
  const dirAsCommitted = ctx.recent.get(parent, ctx.recent.lifetimeMs)?.attr;
  return ctx.engine.txn(async (tx) => {
    const { dir, entry } = await readEntry(tx, at, syscall);
    if (dir.nlink === 0) throw new FsError('ENOENT', { syscall, ino: parent, detail: 'directory was removed' });
    checkModifyDir(caller, dir, syscall);
    checkNotTrash(dir, syscall);
    if (isDotName(name) || entry) throw new FsError('EEXIST', { syscall, path: name.toString() });
    await checkVolumeLimits(ctx.settings, { tx, inodes: 1, syscall, ino: parent });
    await chargeQuotas(ctx, tx, { dir: parent, bytes: 0, inodes: 1, syscall, ino: parent });
    const attr = newAttr(caller, dir, { ino, type: spec.type, mode, rdev: spec.rdev, length: spec.target?.length });
    if (spec.writes?.length) await addSlices(ctx, tx, attr, spec.writes);
    await tx.putInode(attr);
    if (spec.target) await tx.putSymlink(ino, spec.target);
    await tx.putEdge(parent, { name, ino, type: spec.type });
    touchDir(dir, attr.ctime);
    if (spec.type === 'dir') dir.nlink += 1;
    await tx.putInode(dir);
    await tx.addCounter('inodes', 1);
    if (spec.open) await tx.putSustained(ctx.session, ino);
    return attr;
  }, dirAsCommitted && { assume: dirAsCommitted, assumeAbsent: name }).then((attr) => {
    // Linked as its transaction settled: a close within the release delay needs no read (release).
    if (spec.open) ctx.openFiles.seenLinked(ino, ctx.recent.mark());
    ctx.seen.named(at, ino); // what an unlink soon after may assume (with the attributes RecentAttrs keeps)
    return attr;
  }, (err: unknown) => {
    if (spec.open) ctx.openFiles.remove(ino);
    throw err;
  });
}
