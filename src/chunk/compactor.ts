import type { Meta } from '../meta/meta.js';
import type { Ino, SliceRecord } from '../meta/types.js';
import type { ObjectStore } from '../object/object-store.js';
import { blockKey } from './block-key.js';
import { readChunkRange } from './file-reader.js';
import { resolveOverlay } from '../meta/overlay.js';
import type { SliceReader } from './slice-reader.js';

/** A chunk with at least this many records is rewritten as one slice. */
export const COMPACT_THRESHOLD = 48;

/**
 * Rewrites a chunk with many records into one new slice holding what is visible. Only this
 * chunk's references to the old slices are dropped, so a clone sharing them is untouched.
 */
export class Compactor {
  private readonly running = new Set<string>();

  constructor(private readonly deps: { meta: Meta; store: ObjectStore; slices: SliceReader; blockSize: number; inlineSize: () => number }) {}

  /** Compacts the chunk if it has grown past the threshold; returns true if it did. */
  async maybeCompact(ino: Ino, index: number): Promise<boolean> {
    const key = `${ino}:${index}`;
    if (this.running.has(key)) return false;
    this.running.add(key);
    try {
      const records = await this.deps.meta.readChunk(ino, index);
      if (records.length < COMPACT_THRESHOLD) return false;
      return await this.compact(ino, index, records);
    } finally {
      this.running.delete(key);
    }
  }

  private async compact(ino: Ino, index: number, replaced: SliceRecord[]): Promise<boolean> {
    const visible = resolveOverlay(replaced).filter((s) => s.id !== 0);
    if (!visible.length) return this.deps.meta.compactChunk(ino, index, { replaced });
    const from = visible[0]!.pos;
    const to = visible[visible.length - 1]!.pos + visible[visible.length - 1]!.len;
    const data = await readChunkRange(this.deps.slices, replaced, { from, to });
    const id = await this.deps.meta.newSliceId();
    const result = { pos: from, id, size: data.length, off: 0, len: data.length };
    // Small enough to keep in the engine: the commit holds the bytes, no object is written.
    if (data.length <= this.deps.inlineSize()) return this.deps.meta.compactChunk(ino, index, { replaced, result, data });
    const keys: string[] = [];
    const { blockSize } = this.deps;
    for (let b = 0; b * blockSize < data.length; b++) {
      const block = data.subarray(b * blockSize, Math.min(data.length, (b + 1) * blockSize));
      keys.push(blockKey(id, b, block.length));
    }
    const removeObjects = () => Promise.all(keys.map((k) => this.deps.store.delete(k).catch(() => undefined)));
    try {
      await Promise.all(keys.map((k, b) => this.deps.store.put(k, data.subarray(b * blockSize, Math.min(data.length, (b + 1) * blockSize)))));
      // The commit replaces records whose objects may have been fsynced: the new ones must be as
      // durable before it (a later durable commit or a checkpoint can make the commit durable at any time).
      await this.deps.store.sync(keys);
      if (await this.deps.meta.compactChunk(ino, index, { replaced, result })) return true;
    } catch (err) {
      await removeObjects();
      throw err;
    }
    await removeObjects();
    return false;
  }
}
