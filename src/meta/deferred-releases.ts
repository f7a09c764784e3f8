import { type LogLine, logFailure, logToStderr } from '../errors/index.js';
import type { Ino } from './types.js';

/** How long a close's record waits before its batch is dropped. */
export const RELEASE_DELAY_MS = 1000;
/** A failed batch is tried again after this, doubling up to MAX_RETRY_MS while it keeps failing. */
const MAX_RETRY_MS = 60_000;
const BATCH = 500;

/**
 * Closes whose engine record (the session's open record of the inode) is dropped later, in one
 * transaction for many: closing a file that still has a name costs no round trip, and a file
 * opened again meanwhile keeps its record. A record left over only delays, by up to a second,
 * the deletion of a file unlinked elsewhere. A batch that fails stays queued: `flush` rejects
 * with its error; in the background it is logged and tried again later.
 */
export class DeferredReleases {
  private readonly pending = new Set<Ino>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private retryMs = RELEASE_DELAY_MS;

  constructor(
    private readonly finish: (inos: Ino[]) => Promise<void>,
    private readonly log: LogLine = logToStderr,
  ) {}

  /** Queues an inode whose last local handle closed. */
  defer(ino: Ino): void {
    this.pending.add(ino);
    if (this.pending.size >= BATCH) this.flushInBackground();
    else this.schedule(RELEASE_DELAY_MS);
  }

  /** Takes an inode back (it was opened again); true when it was waiting, so its record still exists. */
  cancel(ino: Ino): boolean {
    return this.pending.delete(ino);
  }

  /** True when the inode's release is waiting. */
  has(ino: Ino): boolean {
    return this.pending.has(ino);
  }

  /** Finishes every waiting release now; rejects with the first failure (what failed stays queued). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    while (this.pending.size) {
      const inos = [...this.pending].slice(0, BATCH);
      for (const ino of inos) this.pending.delete(ino);
      this.running = this.finish(inos);
      try {
        await this.running;
      } catch (err) {
        // Still to do (finishing skips an inode opened again meanwhile, so this is safe).
        for (const ino of inos) this.pending.add(ino);
        throw err;
      } finally {
        this.running = undefined;
      }
    }
    this.retryMs = RELEASE_DELAY_MS;
  }

  /** Stops the timer; what is queued stays queued. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushInBackground();
    }, ms);
    this.timer.unref();
  }

  private flushInBackground(): void {
    void this.flush().catch((err: unknown) => {
      const retry = this.retryMs;
      this.retryMs = Math.min(MAX_RETRY_MS, retry * 2);
      logFailure(this.log, {
        what: `releasing the open records of ${this.pending.size} closed file(s)`,
        err,
        retry: `retrying in ${retry / 1000} s`,
      });
      this.schedule(retry);
    });
  }
}
