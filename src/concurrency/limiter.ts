/** Counts a bounded resource (concurrent requests, buffered bytes); `acquire` waits for room. */
export class Limiter {
  private used = 0;
  private readonly waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(private readonly capacity: number) {}

  async acquire(n = 1): Promise<void> {
    const want = Math.min(n, this.capacity);
    if (this.used + want <= this.capacity && this.waiters.length === 0) {
      this.used += want;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push({ n: want, resolve }));
  }

  release(n = 1): void {
    this.used -= Math.min(n, this.capacity);
    while (this.waiters.length && this.used + this.waiters[0]!.n <= this.capacity) {
      const w = this.waiters.shift()!;
      this.used += w.n;
      w.resolve();
    }
  }

  /** Runs `task` holding `n` units. */
  async run<T>(task: () => Promise<T>, n = 1): Promise<T> {
    await this.acquire(n);
    try {
      return await task();
    } finally {
      this.release(n);
    }
  }
}
