import type { Engine } from '../engine.js';
import { destroyInode } from '../ops/inode-records.js';
import type { Ino } from '../types.js';

const BATCH = 2000;

/** Every inode of the tree below `root` (root included), level by level, tolerating missing inodes. */
async function collectLevels(engine: Engine, root: Ino): Promise<Ino[][]> {
  const levels: Ino[][] = [[root]];
  let frontier: Ino[] = [root];
  while (frontier.length) {
    const level: Ino[] = [];
    const dirs: Ino[] = [];
    await engine.read(async (tx) => {
      for (const dir of frontier) {
        for (let after: Buffer | undefined, more = true; more; ) {
          const edges = await tx.listEdges(dir, after, 10_000);
          for (const e of edges) {
            level.push(e.ino);
            if (e.type === 'dir') dirs.push(e.ino);
          }
          after = edges[edges.length - 1]?.name;
          more = edges.length === 10_000;
        }
      }
    });
    if (level.length) levels.push(level);
    frontier = dirs;
  }
  return levels;
}

/**
 * Deletes a detached tree (one no directory links to) with everything it holds, dropping the
 * references of its chunks, deepest level first so an interrupted removal leaves a smaller
 * tree that can be removed again; the detached record goes last. Returns inodes removed.
 */
export async function removeDetachedTree(engine: Engine, root: Ino, options: { signal?: AbortSignal } = {}): Promise<number> {
  const levels = await collectLevels(engine, root);
  let removed = 0;
  for (let l = levels.length - 1; l >= 0; l--) {
    const level = levels[l]!;
    for (let i = 0; i < level.length; i += BATCH) {
      options.signal?.throwIfAborted();
      const batch = level.slice(i, i + BATCH);
      removed += await engine.txn(async (tx) => {
        let n = 0;
        for (const ino of batch) {
          const attr = await tx.getInode(ino);
          if (!attr) continue;
          if (attr.type === 'dir') {
            for (let edges = await tx.listEdges(ino, undefined, 10_000); edges.length; edges = await tx.listEdges(ino, undefined, 10_000)) {
              for (const e of edges) await tx.deleteEdge(ino, e.name);
            }
          }
          await destroyInode(tx, attr);
          n++;
        }
        return n;
      });
    }
  }
  await engine.txn((tx) => tx.deleteDetached(root));
  return removed;
}
