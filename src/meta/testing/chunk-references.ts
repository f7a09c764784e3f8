import type { Engine } from '../engine.js';
import type { Ino, SliceId } from '../types.js';

/** Chunk records per slice id, and the inodes that own any (tests: the whole volume in memory). */
export async function chunkReferences(engine: Engine): Promise<{ counts: Map<SliceId, number>; owners: Set<Ino> }> {
  const counts = new Map<SliceId, number>();
  const owners = new Set<Ino>();
  for (let after, page; (page = await engine.scanChunkRecords(after, 1000)).length; after = page[page.length - 1]) {
    for (const { ino, record } of page) {
      owners.add(ino);
      if (record.id !== 0) counts.set(record.id, (counts.get(record.id) ?? 0) + 1);
    }
  }
  return { counts, owners };
}
