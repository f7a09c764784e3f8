import type { Ino, SliceId, SliceRecord } from '../../types.js';
import type { ChunkOverlay } from './chunk-overlay.js';

/** A slice's size and reference count; undefined when it does not exist (or left for deletion). */
export type SliceState = { size: number; refs: number } | undefined;

/** A deleteChunks of the transaction: which chunks it dropped depends on the server's records then. */
export interface ChunkDrop {
  ino: Ino;
  fromIndex: number;
  /** The transaction's view of the inode's chunks just before the deletion. */
  view: ChunkOverlay;
}

type SliceChange =
  | { create: SliceId; size: number }
  | { refs: readonly SliceId[]; delta: 1 | -1 }
  | { drop: ChunkDrop };

/**
 * The transaction's slice changes in order, replayed over the server's state when read:
 * references only change existing slices, and one that reaches zero is gone (queued for
 * deletion) — exactly what the scripts do at EXEC, in the same order.
 */
export class SliceOverlay {
  private readonly changes: SliceChange[] = [];

  create(id: SliceId, size: number): void {
    this.changes.push({ create: id, size });
  }
  /** One reference more (+1) or fewer (-1) per occurrence of each non-hole id. */
  addRefs(ids: readonly SliceId[], delta: 1 | -1): void {
    this.changes.push({ refs: ids.filter((id) => id !== 0), delta });
  }
  dropChunks(drop: ChunkDrop): void {
    this.changes.push({ drop });
  }
  /** The chunk deletions whose server records a read must fetch. */
  get chunkDrops(): ChunkDrop[] {
    return this.changes.flatMap((c) => ('drop' in c ? [c.drop] : []));
  }

  /** Slice states after the transaction's changes; `dropped` gives the records a chunk deletion removed. */
  resolve(server: Map<SliceId, SliceState>, dropped: (drop: ChunkDrop) => readonly SliceRecord[]): Map<SliceId, SliceState> {
    const state = new Map([...server].map(([id, s]) => [id, s && { ...s }]));
    const add = (id: SliceId, delta: number) => {
      const s = state.get(id);
      if (s && (s.refs += delta) <= 0) state.set(id, undefined);
    };
    for (const c of this.changes) {
      if ('create' in c) state.set(c.create, { size: c.size, refs: 1 });
      else if ('refs' in c) for (const id of c.refs) add(id, c.delta);
      else for (const r of dropped(c.drop)) if (r.id !== 0) add(r.id, -1);
    }
    return state;
  }
}
