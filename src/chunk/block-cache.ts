/** Least-recently-used blocks held in memory, bounded by total bytes. */
export class BlockCache {
  private readonly blocks = new Map<string, Buffer>();
  private bytes = 0;
  /** Reads served from the cache, and reads that had to fetch (`lookup` counts; `get` does not). */
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(key: string): Buffer | undefined {
    const block = this.blocks.get(key);
    if (block) {
      this.blocks.delete(key);
      this.blocks.set(key, block);
    }
    return block;
  }

  /** `get` for a reader's own request, counted as a hit or a miss (read-ahead probes use `get`). */
  lookup(key: string): Buffer | undefined {
    const block = this.get(key);
    if (block) this.hits++;
    else this.misses++;
    return block;
  }

  set(key: string, block: Buffer): void {
    if (block.length > this.capacity) return;
    this.delete(key);
    this.blocks.set(key, block);
    this.bytes += block.length;
    for (const [k, b] of this.blocks) {
      if (this.bytes <= this.capacity) break;
      this.blocks.delete(k);
      this.bytes -= b.length;
    }
  }

  delete(key: string): void {
    const block = this.blocks.get(key);
    if (block) {
      this.blocks.delete(key);
      this.bytes -= block.length;
    }
  }

  /** Bytes held. */
  get size(): number {
    return this.bytes;
  }
}
