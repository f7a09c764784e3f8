import type { EngineTx } from '../engine.js';
import type { Ino } from '../types.js';
import { checkCloneReadable } from './check-readable.js';
import { checkCloneOwner } from './clone-owner.js';
import type { CloneBatch, CloneEntriesSpec, CloneUnit } from './clone-spec.js';
import { copyInode } from './copy-inode.js';

/** The per-entry clone of directory entries, on the primitives every engine has. */
export async function cloneEntriesGeneric(
  tx: EngineTx,
  units: readonly CloneUnit[],
  spec: CloneEntriesSpec,
): Promise<CloneBatch> {
  await checkCloneOwner(tx, spec.owner);
  const batch: CloneBatch = { entries: 0, bytes: 0, dirs: [], progress: [] };
  let budget = spec.budget;
  for (const unit of units) {
    if (budget <= 0) {
      batch.progress.push({ done: false, last: unit.after });
      continue;
    }
    if (spec.readableBy) {
      const dir = await tx.getInode(unit.src);
      if (dir) checkCloneReadable(spec.readableBy, dir);
    }
    const edges = await tx.listEdges(unit.src, unit.after, budget);
    budget -= edges.length;
    let next = (await tx.getCounter('nextInode')) + 1;
    await tx.addCounter('nextInode', edges.length);
    let subdirs = 0;
    for (const edge of edges) {
      const src = await tx.getInode(edge.ino);
      const ino = next++ as Ino;
      if (!src) continue;
      if (spec.readableBy) checkCloneReadable(spec.readableBy, src);
      const copy = await copyInode(tx, src, { ino, parent: unit.dst, attrs: spec.attrs });
      await tx.putEdge(unit.dst, { name: edge.name, ino, type: copy.type });
      batch.entries++;
      if (copy.type === 'file') batch.bytes += copy.length;
      if (copy.type === 'dir') {
        subdirs++;
        batch.dirs.push({ src: src.ino, dst: ino });
      }
    }
    const dir = subdirs ? await tx.getInode(unit.dst) : undefined;
    if (dir) await tx.putInode({ ...dir, nlink: dir.nlink + subdirs });
    const exhausted = budget > 0;
    batch.progress.push(exhausted ? { done: true } : { done: false, last: edges[edges.length - 1]?.name ?? unit.after });
  }
  return batch;
}

/** Entries below a directory, counted level by level. */
export async function countSubtreeGeneric(tx: EngineTx, ino: Ino): Promise<number> {
  let count = 0;
  let frontier: Ino[] = [ino];
  while (frontier.length) {
    const next: Ino[] = [];
    for (const dir of frontier) {
      for (let after: Buffer | undefined, more = true; more; ) {
        const edges = await tx.listEdges(dir, after, 10_000);
        count += edges.length;
        for (const e of edges) if (e.type === 'dir') next.push(e.ino);
        after = edges[edges.length - 1]?.name;
        more = edges.length === 10_000;
      }
    }
    frontier = next;
  }
  return count;
}
