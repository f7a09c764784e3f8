import type { Ino } from './types.js';

const DELAY_MS = 1000;
const BATCH = 500;

/**
 * Closes whose engine record (the session's open record of the inode) is dropped later, in one
 * transaction for many: closing a file that still has a name costs no round trip, and a file
 * opened again meanwhile keeps its record. A record left over only delays, by up to a second,
 * the deletion of a file unlinked elsewhere.
 */
export class DeferredReleases {
  private readonly pending = new Set<Ino>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly finish: (inos: Ino[]) => Promise<void>) {}

  /** Queues an inode whose last local handle closed. */
  defer(ino: Ino): void {
    this.pending.add(ino);
    if (this.pending.size >= BATCH) void this.flush().catch(() => undefined);
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), DELAY_MS);
      this.timer.unref();
    }
  }

  /** Takes an inode back (it was opened again); true when it was waiting, so its record still exists. */
  cancel(ino: Ino): boolean {
    return this.pending.delete(ino);
  }

  /** True when the inode's release is waiting. */
  has(ino: Ino): boolean {
    return this.pending.has(ino);
  }

  /** Finishes every waiting release now. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    while (this.pending.size) {
      const inos = [...this.pending].slice(0, BATCH);
      for (const ino of inos) this.pending.delete(ino);
      this.running = this.finish(inos);
      try {
        await this.running;
      } finally {
        this.running = undefined;
      }
    }
  }
}
