import type { SliceRecord } from '../../types.js';

/** One chunk as a transaction changed it: fully known, or the server's records plus appended ones. */
type ChunkChange = { known: true; records: SliceRecord[] } | { known: false; appended: SliceRecord[] };

const copy = (records: readonly SliceRecord[]) => records.map((r) => ({ ...r }));

/** A transaction's view of one inode's chunks, on top of what the server holds. */
export class ChunkOverlay {
  /** Chunks at this index and above were deleted by the transaction (unless changed again). */
  private clearedFrom = Infinity;
  private readonly changes = new Map<number, ChunkChange>();

  /** The chunk's records if the transaction alone determines them, else undefined (read the server). */
  known(index: number): SliceRecord[] | undefined {
    const c = this.changes.get(index);
    if (c) return c.known ? copy(c.records) : undefined;
    return index >= this.clearedFrom ? [] : undefined;
  }

  /** The chunk as the transaction sees it, given the server's records. */
  resolve(index: number, server: readonly SliceRecord[]): SliceRecord[] {
    const c = this.changes.get(index);
    if (c) return c.known ? copy(c.records) : [...copy(server), ...copy(c.appended)];
    return index >= this.clearedFrom ? [] : copy(server);
  }

  /** Every chunk as the transaction sees it, given all of the server's chunks. */
  resolveAll(server: ReadonlyMap<number, readonly SliceRecord[]>): Map<number, SliceRecord[]> {
    const out = new Map<number, SliceRecord[]>();
    for (const index of new Set([...server.keys(), ...this.changes.keys()])) {
      const records = this.resolve(index, server.get(index) ?? []);
      if (records.length) out.set(index, records);
    }
    return out;
  }

  append(index: number, records: readonly SliceRecord[]): void {
    const c = this.changes.get(index);
    if (c?.known) c.records.push(...copy(records));
    else if (c) c.appended.push(...copy(records));
    else if (index >= this.clearedFrom) this.changes.set(index, { known: true, records: copy(records) });
    else this.changes.set(index, { known: false, appended: copy(records) });
  }

  set(index: number, records: readonly SliceRecord[]): void {
    this.changes.set(index, { known: true, records: copy(records) });
  }

  deleteFrom(fromIndex: number): void {
    this.clearedFrom = Math.min(this.clearedFrom, fromIndex);
    for (const index of [...this.changes.keys()]) if (index >= fromIndex) this.changes.delete(index);
  }

  /** An independent copy (the view a later change must not alter). */
  clone(): ChunkOverlay {
    const c = new ChunkOverlay();
    c.clearedFrom = this.clearedFrom;
    for (const [index, change] of this.changes) {
      c.changes.set(index, change.known ? { known: true, records: copy(change.records) } : { known: false, appended: copy(change.appended) });
    }
    return c;
  }

  /** Makes every chunk known: exactly `chunks` (a copy target). */
  replaceAll(chunks: ReadonlyMap<number, readonly SliceRecord[]>): void {
    this.clearedFrom = 0;
    this.changes.clear();
    for (const [index, records] of chunks) this.set(index, records);
  }
}
