/** Ids per page: a page is allocated when the first id in its range is touched. */
const PAGE = 1 << 16;

/**
 * A count per id (inode number, slice id), in typed-array pages: 4 bytes per id in the ranges in
 * use, whatever the volume's size, instead of a Map entry (~80 bytes) per id. Ids come from
 * counters, so they are dense; internal inodes (2^52 up) get pages of their own.
 */
export class IdCounts {
  private readonly pages = new Map<number, Uint32Array>();

  get(id: number): number {
    return this.pages.get(Math.floor(id / PAGE))?.[id % PAGE] ?? 0;
  }
  add(id: number, n = 1): void {
    const key = Math.floor(id / PAGE);
    let page = this.pages.get(key);
    if (!page) this.pages.set(key, (page = new Uint32Array(PAGE)));
    page[id % PAGE] = page[id % PAGE]! + n;
  }
  /** Every id with a non-zero count, in no particular order of pages. */
  *entries(): Generator<[number, number]> {
    for (const [key, page] of this.pages) {
      for (let i = 0; i < PAGE; i++) if (page[i]) yield [key * PAGE + i, page[i]!];
    }
  }
}

/** A set of ids as bits in pages (1 bit per id in the ranges in use). */
export class IdBits {
  private readonly pages = new Map<number, Uint8Array>();

  has(id: number): boolean {
    const page = this.pages.get(Math.floor(id / PAGE));
    return page !== undefined && (page[(id % PAGE) >> 3]! & (1 << (id & 7))) !== 0;
  }
  /** Adds an id; true when it was not there yet. */
  add(id: number): boolean {
    const key = Math.floor(id / PAGE);
    let page = this.pages.get(key);
    if (!page) this.pages.set(key, (page = new Uint8Array(PAGE / 8)));
    const at = (id % PAGE) >> 3;
    const bit = 1 << (id & 7);
    if (page[at]! & bit) return false;
    page[at] = page[at]! | bit;
    return true;
  }
}
