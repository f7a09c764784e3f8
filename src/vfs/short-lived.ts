/** How long what the mount learned about an inode is trusted: the kernel's attribute cache lifetime. */
export const TRUST_MS = 1000;
const MAX_ENTRIES = 10_000;

/**
 * Facts about inodes trusted for a second, as the kernel trusts cached attributes: another
 * client's change is seen within that second; this client forgets what it changes itself.
 * Bounded: past MAX_ENTRIES it starts over.
 */
export class ShortLived<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  /** `lifetimeMs`: how long a fact holds (default TRUST_MS). */
  constructor(private readonly lifetimeMs = TRUST_MS) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > Date.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + this.lifetimeMs });
  }

  forget(key: K): void {
    this.entries.delete(key);
  }
}
