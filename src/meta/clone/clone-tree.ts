import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { EngineTx } from '../engine.js';
import { isDotName } from '../names.js';
import { mustGetInode, touchDir } from '../ops/inode-records.js';
import { checkModifyDir } from '../permissions.js';
import type { Attr, Caller, Ino } from '../types.js';
import { cloneBatchInSteps, yieldAndCheck } from './clone-batch.js';
import { countSubtreeGeneric } from './clone-entries-generic.js';
import { DEFAULT_CLONE_BATCH_SIZE } from './clone-options.js';
import { checkCloneOwner, isLostClone } from './clone-owner.js';
import type { CloneAttrs, CloneEntriesSpec, CloneOptions, CloneUnit } from './clone-spec.js';
import { copyInode } from './copy-inode.js';
import { checkVolumeLimits, checkVolumeUsage } from '../space/volume-limits.js';
import { chargeQuotas, checkQuotas, quotasOver, type Usage } from '../space/dir-quotas.js';

/** Directories one transaction works on at most (their entries are bounded by the batch size). */
const MAX_UNITS = 2000;

/** Runs a step of the clone: in its own transaction (batched) or in the one outer transaction (consistent). */
type Runner = <T>(step: (tx: EngineTx) => Promise<T>) => Promise<T>;

interface TreeSpec {
  src: Ino;
  parent: Ino;
  name: Buffer;
  attrs: CloneAttrs;
}

const countSubtree = (tx: EngineTx, ino: Ino): Promise<number> => (tx.countSubtree ? tx.countSubtree(ino) : countSubtreeGeneric(tx, ino));

/**
 * Copies every level below the root, batch by batch, reporting progress. With `owner` (batched),
 * each batch checks in its own transaction that the session still owns the detached root.
 */
async function copyLevels(
  run: Runner,
  spec: { src: Ino; root: Ino; attrs: CloneAttrs; owner?: CloneEntriesSpec['owner']; readableBy?: Caller; ensureLive: () => Promise<void> },
  progress: (n: number, bytes: number) => void,
  options: CloneOptions,
): Promise<void> {
  const budget = options.batchSize ?? DEFAULT_CLONE_BATCH_SIZE;
  let queue: CloneUnit[] = [{ src: spec.src, dst: spec.root }];
  while (queue.length) {
    // Inside a batch the event loop runs between steps (clone-batch.ts): a synchronous engine
    // (SQLite) would otherwise keep signals (Ctrl-C), a released `.control` handle, timers and
    // other clients' requests waiting until the batch is done; a cancelled batch rolls back.
    options.signal?.throwIfAborted();
    await spec.ensureLive();
    await options.beforeBatch?.();
    const units = queue.slice(0, MAX_UNITS);
    const batch = await run((tx) => cloneBatchInSteps(tx, units, { budget, attrs: spec.attrs, owner: spec.owner, readableBy: spec.readableBy, signal: options.signal }));
    const unfinished = units.flatMap((u, i) => (batch.progress[i]!.done ? [] : [{ ...u, after: batch.progress[i]!.last }]));
    queue = [...unfinished, ...queue.slice(units.length), ...batch.dirs];
    progress(batch.entries, batch.bytes);
  }
}

/** Links the finished tree at its destination: the one step that makes it visible; EEXIST if the name was taken. */
async function linkTree(
  ctx: MetaContext,
  tx: EngineTx,
  caller: Caller,
  spec: { root: Ino; parent: Ino; name: Buffer; owner?: CloneEntriesSpec['owner']; built: Usage },
): Promise<Attr> {
  await checkCloneOwner(tx, spec.owner);
  const dir = await mustGetInode(tx, spec.parent, 'clone');
  checkModifyDir(caller, dir, 'clone');
  if (isDotName(spec.name) || (await tx.getEdge(spec.parent, spec.name))) {
    throw new FsError('EEXIST', { syscall: 'clone', path: spec.name.toString() });
  }
  const root = await mustGetInode(tx, spec.root, 'clone');
  // The whole copy joins the quotas over its new directory now, as if its bytes were copied (DESIGN §3.10).
  await chargeQuotas(ctx, tx, { dir: spec.parent, ...spec.built, syscall: 'clone', ino: root.ino });
  await tx.putEdge(spec.parent, { name: spec.name, ino: root.ino, type: 'dir' });
  dir.nlink += 1;
  touchDir(dir);
  await tx.putInode(dir);
  await tx.deleteDetached(root.ino);
  return root;
}

/**
 * Clones a directory tree. Batched (default): the copy is built under a detached root that no
 * directory links to, in transactions of bounded size, then linked in one final transaction;
 * on error or cancellation everything built is removed. Consistent: the same steps in one
 * transaction, so the copy reflects the source at one instant.
 */
export async function cloneTree(ctx: MetaContext, caller: Caller, spec: TreeSpec, options: CloneOptions = {}): Promise<Attr> {
  const { engine } = ctx;
  let done = 0;
  let total = 1;
  // What the copy holds so far (logical bytes, inodes): quotas count it in full.
  const built: Usage = { bytes: 0, inodes: 0 };
  const progress = (n: number, bytes: number) => {
    built.inodes += n;
    built.bytes += bytes;
    done += n;
    options.onProgress?.(done, Math.max(total, done));
  };
  const root = (await ctx.inodeIds.one()) as Ino;
  const readableBy = caller.uid === 0 ? undefined : caller;
  const start = async (tx: EngineTx) => {
    // Counting costs a scan of the tree: only for someone watching.
    if (options.onProgress) total = 1 + (await countSubtree(tx, spec.src));
    const src = await mustGetInode(tx, spec.src, 'clone');
    await checkVolumeLimits(ctx.settings, { tx, bytes: src.type === 'file' ? src.length : 0, inodes: 1, syscall: 'clone', ino: spec.src });
    await copyInode(tx, src, { ino: root, parent: spec.parent, attrs: spec.attrs });
    await tx.putDetached({ ino: root, session: ctx.session, createdAt: Date.now() });
    return src.type === 'file' ? src.length : 0;
  };
  // EDQUOT as soon as the copy outgrows a quota over its destination (checked between batches).
  const checkDirQuotas = async (tx: EngineTx) => checkQuotas(await quotasOver(ctx, tx, spec.parent), { ...built, syscall: 'clone', ino: spec.src });
  if (options.consistent) {
    return engine.txn(async (tx) => {
      Object.assign(built, { bytes: 0, inodes: 0 }); // the transaction may run again
      progress(1, await start(tx));
      await copyLevels((step) => step(tx), { src: spec.src, root, attrs: spec.attrs, readableBy, ensureLive: ctx.ensureLive }, progress, options);
      await checkVolumeUsage(ctx.settings, { engine: tx, syscall: 'clone' });
      await yieldAndCheck(options.signal);
      return linkTree(ctx, tx, caller, { root, parent: spec.parent, name: spec.name, built });
    });
  }
  progress(1, await engine.txn(start));
  const owner = { root, session: ctx.session };
  try {
    // Volume limits (ENOSPC) are checked after each batch: set-based batches count on the server.
    const batch: Runner = async (step) => {
      const result = await engine.txn(step);
      await checkVolumeUsage(ctx.settings, { engine, syscall: 'clone' });
      if (ctx.settings.quotas) await engine.read(checkDirQuotas);
      return result;
    };
    await copyLevels(batch, { src: spec.src, root, attrs: spec.attrs, owner, readableBy, ensureLive: ctx.ensureLive }, progress, options);
    await yieldAndCheck(options.signal);
    await ctx.ensureLive();
    return await engine.txn((tx) => linkTree(ctx, tx, caller, { root, parent: spec.parent, name: spec.name, owner, built }));
  } catch (err) {
    // A copy gc claimed is gc's to remove. Otherwise remove it now; what cannot be removed
    // (an outage) is retried later, and stays detached under this session for gc meanwhile.
    if (!isLostClone(err, root)) await ctx.abandoned.remove(root);
    throw err;
  }
}
