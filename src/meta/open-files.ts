import type { Ino } from './types.js';

/** How many handles this client holds on each inode. */
export class OpenFiles {
  private readonly counts = new Map<Ino, number>();
  /** When an open of each held inode last began the read that found it linked (a name in some directory). */
  private readonly linked = new Map<Ino, number>();

  /** Adds one handle; true when it is the first. */
  add(ino: Ino): boolean {
    const n = (this.counts.get(ino) ?? 0) + 1;
    this.counts.set(ino, n);
    return n === 1;
  }

  /** Drops one handle; true when it was the last. */
  remove(ino: Ino): boolean {
    const n = (this.counts.get(ino) ?? 0) - 1;
    if (n > 0) this.counts.set(ino, n);
    else {
      this.counts.delete(ino);
      this.linked.delete(ino);
    }
    return n <= 0;
  }

  /** An open of the held inode `ino` found it linked, reading from `at` (a `Date.now()`). */
  seenLinked(ino: Ino, at: number): void {
    if (this.counts.has(ino)) this.linked.set(ino, Math.max(at, this.linked.get(ino) ?? at));
  }

  /** When an open last began the read that found the held inode `ino` linked. */
  linkedAt(ino: Ino): number | undefined {
    return this.linked.get(ino);
  }

  isOpen(ino: Ino): boolean {
    return this.counts.has(ino);
  }
}
