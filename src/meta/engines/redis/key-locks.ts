/** More keys than this and a retry runs unlocked (a huge transaction would serialise too much). */
const MAX_LOCKED_KEYS = 1000;

/**
 * In-process locks on Redis keys. A transaction that lost a conflict retries holding the keys
 * it had watched, so the retries of one client on a hot key (a directory many creates touch)
 * run one at a time instead of defeating each other; across clients WATCH still decides.
 * Keys are taken in sorted order, so lockers never wait on each other in a cycle.
 */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: Iterable<string>, task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length > MAX_LOCKED_KEYS) return task();
    const releases: Array<() => void> = [];
    try {
      for (const key of sorted) {
        const before = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const tail = before.then(() => new Promise<void>((resolve) => (release = resolve)));
        this.tails.set(key, tail);
        await before;
        releases.push(() => {
          release();
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
      }
      return await task();
    } finally {
      for (const r of releases) r();
    }
  }
}
