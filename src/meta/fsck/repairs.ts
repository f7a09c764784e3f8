import type { EngineTx } from '../engine.js';
import { destroyInode } from '../ops/inode-records.js';
import type { CounterName, Ino, SliceId } from '../types.js';
import type { Repair } from './problems.js';

// Every repair re-reads what it changes in its own transaction and gives up when the finding no
// longer holds. Differences (references, links, counters) are added, never set: every correct
// transaction keeps "stored minus counted" unchanged, so a difference found on a snapshot is
// still the right correction after other clients' changes (reliability.md).

/** Removes an entry whose inode (or directory) is missing, if it still points at the missing inode. */
export function removeDanglingEdge(spec: { parent: Ino; name: Buffer; ino: Ino }): Repair {
  return (engine) =>
    engine.txn(async (tx) => {
      const edge = await tx.getEdge(spec.parent, spec.name);
      if (edge?.ino !== spec.ino) return false;
      if ((await tx.getInode(spec.ino)) && (await tx.getInode(spec.parent))) return false;
      await tx.deleteEdge(spec.parent, spec.name);
      return true;
    });
}

/** Removes the chunk records of an inode that does not exist (dropping their references). */
export function removeOrphanChunks(ino: Ino): Repair {
  return (engine) =>
    engine.txn(async (tx) => {
      if (await tx.getInode(ino)) return false;
      await tx.deleteChunks(ino, 0);
      return true;
    });
}

/** Removes a directory's entries, dropping one link of each non-directory they name. */
async function emptyDirectory(tx: EngineTx, dir: Ino): Promise<void> {
  for (let page; (page = await tx.listEdges(dir, undefined, 1000)).length; ) {
    for (const edge of page) {
      await tx.deleteEdge(dir, edge.name);
      const child = await tx.getInode(edge.ino);
      if (child && child.type !== 'dir' && child.nlink > 0) await tx.putInode({ ...child, nlink: child.nlink - 1 });
    }
  }
}

/**
 * Deletes an inode nothing reaches (unreachable on a snapshot stays unreachable: only a path or
 * an open handle leads to an inode, and open handles are recorded). Kept if any session holds it
 * open: that is gc's business once the session has expired.
 */
export function removeOrphanInode(ino: Ino): Repair {
  return (engine) =>
    engine.txn(async (tx) => {
      const attr = await tx.getInode(ino);
      if (!attr || (await tx.openSessions(ino)).length) return false;
      if (attr.type === 'dir') await emptyDirectory(tx, ino);
      await destroyInode(tx, attr);
      return true;
    });
}

/** Adds `delta` to an inode's link count. */
export function adjustLinks(ino: Ino, delta: number): Repair {
  return (engine) =>
    engine.txn(async (tx) => {
      const attr = await tx.getInode(ino);
      if (!attr || attr.nlink + delta < 0) return false;
      await tx.putInode({ ...attr, nlink: attr.nlink + delta });
      return true;
    });
}

/** Adds `delta` references to a slice that still has a record (at zero it joins the deletion queue). */
export function adjustSliceRefs(id: SliceId, delta: number): Repair {
  return (engine) =>
    engine.txn(async (tx) => {
      const slice = (await tx.getSlices([id])).get(id);
      if (!slice || slice.refs + delta < 0) return false;
      const ids = Array<SliceId>(Math.abs(delta)).fill(id);
      if (delta > 0) await tx.addSliceRefs(ids);
      else await tx.dropSliceRefs(ids);
      return true;
    });
}

/** Adds `delta` to a usage counter. */
export function adjustCounter(name: CounterName, delta: number): Repair {
  return (engine) =>
    engine.txn(async (tx) => {
      await tx.addCounter(name, delta);
      return true;
    });
}
