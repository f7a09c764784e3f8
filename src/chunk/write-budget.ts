import { Limiter } from '../concurrency/limiter.js';

/**
 * The write buffer of one client: bytes of blocks handed to uploads (uploading or queued for a
 * request), shared by every file's writer. A writer waits for room, never fails; a block larger
 * than the whole budget waits until the budget is empty.
 */
export class WriteBudget {
  private readonly room: Limiter;
  private held = 0;
  /** The most bytes held at once since the client started (tests, `status`). */
  highWater = 0;

  constructor(readonly bytes: number) {
    this.room = new Limiter(bytes);
  }

  /** Bytes held now. */
  get used(): number {
    return this.held;
  }

  /** Waits until `n` bytes fit, in the order asked, then holds them. */
  async acquire(n: number): Promise<void> {
    await this.room.acquire(n);
    this.held += Math.min(n, this.bytes);
    this.highWater = Math.max(this.highWater, this.held);
  }

  /** Gives back `n` bytes acquired before. */
  release(n: number): void {
    this.held -= Math.min(n, this.bytes);
    this.room.release(n);
  }
}
