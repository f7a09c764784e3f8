import { removeDetachedTree } from '../clone/remove-tree.js';
import type { Engine } from '../engine.js';
import { type SessionId, TRASH_INO } from '../types.js';
import { hourName } from './trash.js';

/**
 * Deletes the trash's hourly directories older than `trashDays`, with the files in them. Each is
 * first unlinked and recorded as detached in one transaction, so an interrupted purge is
 * finished by gc like an abandoned clone. Returns the files and directories removed.
 */
export async function purgeTrash(engine: Engine, options: { trashDays: number; now?: number }): Promise<number> {
  const cutoff = hourName((options.now ?? Date.now()) - options.trashDays * 86_400_000);
  const hours = await engine.read((tx) => tx.listEdges(TRASH_INO, undefined, 100_000));
  let removed = 0;
  for (const hour of hours) {
    if (hour.name.toString() >= cutoff) continue;
    const taken = await engine.txn(async (tx) => {
      if (!(await tx.getEdge(TRASH_INO, hour.name))) return false;
      await tx.deleteEdge(TRASH_INO, hour.name);
      const trash = await tx.getInode(TRASH_INO);
      if (trash) await tx.putInode({ ...trash, nlink: trash.nlink - 1 });
      await tx.putDetached({ ino: hour.ino, session: 0 as SessionId, createdAt: 0 });
      return true;
    });
    if (taken) removed += await removeDetachedTree(engine, hour.ino);
  }
  return removed;
}
