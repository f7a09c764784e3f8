import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { Engine, EngineTx } from '../engine.js';
import type { RemoveTreeOptions } from '../meta.js';
import { isDotName } from '../names.js';
import { checkAccess, checkModifyDir, checkSticky } from '../permissions.js';
import { now } from '../times.js';
import { type Attr, type Caller, type FileType, type Ino, TRASH_INO } from '../types.js';
import { destroyInode, dropLink, mustGetInode, readEntry, touchDir } from './inode-records.js';
import { unlink } from './remove.js';
import { chargeQuotas, dropDirQuota } from '../space/dir-quotas.js';

/** One name to remove: the entry `name` of directory `parent`, naming `ino`. */
interface Entry {
  parent: Ino;
  name: Buffer;
  ino: Ino;
  type: FileType;
}


const PAGE = 10_000;
const RWX = 7;

/**
 * The entries below `root`, level by level (as clone/remove-tree.ts collects a detached tree),
 * checking that the caller may list and empty every directory (read, write, search): EACCES
 * before anything is removed.
 */
async function collectLevels(engine: Engine, caller: Caller, root: Attr): Promise<Entry[][]> {
  const levels: Entry[][] = [];
  let frontier: Attr[] = [root];
  while (frontier.length) {
    const level: Entry[] = [];
    const dirs: Attr[] = [];
    await engine.read(async (tx) => {
      for (const dir of frontier) {
        checkAccess(caller, dir, RWX, 'rmr');
        for (let after: Buffer | undefined, more = true; more; ) {
          const edges = await tx.listEdges(dir.ino, after, PAGE);
          for (const e of edges) {
            level.push({ parent: dir.ino, name: e.name, ino: e.ino, type: e.type });
            const child = e.type === 'dir' ? await tx.getInode(e.ino) : undefined;
            if (child) dirs.push(child);
          }
          after = edges[edges.length - 1]?.name;
          more = edges.length === PAGE;
        }
      }
    });
    if (level.length) levels.push(level);
    frontier = dirs;
  }
  return levels;
}

/** Removes one batch of entries of one level (their children are gone): one transaction. */
async function removeBatch(ctx: MetaContext, caller: Caller, batch: readonly Entry[]): Promise<number> {
  return ctx.engine.txn(async (tx: EngineTx) => {
    const parents = new Map<Ino, Attr>();
    const t = now();
    let removed = 0;
    for (const e of batch) {
      const edge = await tx.getEdge(e.parent, e.name);
      const attr = edge?.ino === e.ino ? await tx.getInode(e.ino) : undefined;
      if (!attr) continue; // renamed or removed meanwhile
      let dir = parents.get(e.parent);
      if (!dir) parents.set(e.parent, (dir = await mustGetInode(tx, e.parent, 'rmr')));
      checkSticky(caller, dir, attr, 'rmr');
      await tx.deleteEdge(e.parent, e.name);
      await chargeQuotas(ctx, tx, { dir: e.parent, bytes: attr.type === 'file' ? -attr.length : 0, inodes: -1, syscall: 'rmr' });
      if (attr.type === 'dir') {
        await dropDirQuota(ctx, tx, attr);
        if ((await tx.listEdges(attr.ino, undefined, 1)).length) throw new FsError('ENOTEMPTY', { syscall: 'rmr', ino: attr.ino, detail: 'entries were added meanwhile' });
        await destroyInode(tx, attr);
        dir.nlink -= 1;
      } else {
        await dropLink(ctx, tx, { attr, from: { parent: dir, name: e.name } });
      }
      touchDir(dir, t);
      removed++;
    }
    for (const dir of parents.values()) await tx.putInode(dir);
    return removed;
  });
}

/**
 * `slicefs rmr`: removes the entry `name` of `parent` with everything below it, inside the
 * engine, deepest level first, `batchSize` entries per transaction. Files go through the trash
 * when the volume keeps one (as unlink does); directories are deleted. Each batch is a
 * complete transaction, so an interrupted removal leaves a consistent, smaller tree that
 * can be removed again. Returns the entries removed.
 */
export async function removeTree(ctx: MetaContext, caller: Caller, at: { parent: Ino; name: Buffer }, options: RemoveTreeOptions = {}): Promise<number> {
  const path = at.name.toString();
  if (isDotName(at.name)) throw new FsError('EINVAL', { syscall: 'rmr', path, detail: 'cannot remove . or ..' });
  const { dir, entry } = await ctx.engine.read((tx) => readEntry(tx, at, 'rmr'));
  if (!entry) throw new FsError('ENOENT', { syscall: 'rmr', path });
  checkModifyDir(caller, dir, 'rmr');
  checkSticky(caller, dir, entry.attr, 'rmr');
  if (entry.attr.type !== 'dir') {
    await unlink(ctx, caller, at);
    options.onProgress?.(1, 1);
    return 1;
  }
  if (entry.attr.ino === TRASH_INO) throw new FsError('EPERM', { syscall: 'rmr', path, detail: 'the trash stays' });
  const levels = await collectLevels(ctx.engine, caller, entry.attr);
  const total = 1 + levels.reduce((n, l) => n + l.length, 0);
  const batchSize = options.batchSize ?? 2000;
  let done = 0;
  for (let l = levels.length - 1; l >= 0; l--) {
    const level = levels[l]!;
    for (let i = 0; i < level.length; i += batchSize) {
      // Between batches, let the event loop run (signals, timers, other requests of a mount).
      await new Promise((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      done += await removeBatch(ctx, caller, level.slice(i, i + batchSize));
      options.onProgress?.(done, total);
    }
  }
  options.signal?.throwIfAborted();
  const root: Entry = { parent: at.parent, name: at.name, ino: entry.attr.ino, type: 'dir' };
  done += await removeBatch(ctx, caller, [root]);
  options.onProgress?.(done, total);
  return done;
}
