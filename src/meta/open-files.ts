import type { Ino } from './types.js';

/** How many handles this client holds on each inode. */
export class OpenFiles {
  private readonly counts = new Map<Ino, number>();

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
    else this.counts.delete(ino);
    return n <= 0;
  }

  isOpen(ino: Ino): boolean {
    return this.counts.has(ino);
  }
}
