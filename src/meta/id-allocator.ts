import type { Engine } from './engine.js';
import type { CounterName } from './types.js';

/** Hands out ids from an engine counter, reserving them in batches to save round trips. */
export class IdAllocator {
  private next = 0;
  private end = 0;
  private refill: Promise<void> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly counter: CounterName,
    private readonly batch: number,
  ) {}

  /** One fresh id. */
  async one(): Promise<number> {
    while (this.next >= this.end) {
      this.refill ??= this.reserve(this.batch).finally(() => (this.refill = undefined));
      await this.refill;
    }
    return ++this.next;
  }

  /** `count` consecutive fresh ids; returns the first. */
  async many(count: number): Promise<number> {
    if (count <= 0) return 0;
    const end = await this.engine.incrCounter(this.counter, count);
    return end - count + 1;
  }

  private async reserve(n: number): Promise<void> {
    const end = await this.engine.incrCounter(this.counter, n);
    this.next = end - n;
    this.end = end;
  }
}
