import type { WriteMark } from './recent-attrs.js';
import type { Ino } from './types.js';

/** How many handles this client holds on each inode. */
export class OpenFiles {
  private readonly counts = new Map<Ino, number>();
  /** Where this client's transactions stood when the last read that found each held inode linked (a name in some directory) began. */
  private readonly linked = new Map<Ino, WriteMark>();

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

  /** A read that began at `mark` found the held inode `ino` linked (an open, or the create that linked it). */
  seenLinked(ino: Ino, mark: WriteMark): void {
    const known = this.linked.get(ino);
    if (this.counts.has(ino) && !(known && known.settled > mark.settled)) this.linked.set(ino, mark);
  }

  /** Where this client's transactions stood when the last read that found the held inode `ino` linked began. */
  linkedAt(ino: Ino): WriteMark | undefined {
    return this.linked.get(ino);
  }

  isOpen(ino: Ino): boolean {
    return this.counts.has(ino);
  }
}
