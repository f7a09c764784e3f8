import type { Ino } from '../meta/types.js';
import type { ObjectStore } from '../object/object-store.js';

/** Objects remembered before the oldest files' are synced anyway (4 MiB blocks: 256 GiB written without fsync). */
const MAX_REMEMBERED = 65_536;

/**
 * Objects of this client's commits that were not synced (writes without fsync: as durable as the
 * page cache), per inode, until an fsync of that inode syncs them before its durable commit. An
 * fsync through any handle, or after the writer closed, finds them here.
 */
export class UnsyncedObjects {
  private readonly byIno = new Map<Ino, string[]>();
  private count = 0;

  constructor(private readonly store: ObjectStore) {}

  /** Objects remembered (for tests and `status`). */
  get size(): number {
    return this.count;
  }

  /** Remembers the objects a commit of `ino` made without syncing them. */
  async add(ino: Ino, keys: readonly string[]): Promise<void> {
    this.remember(ino, keys);
    // Bounded memory: the longest-remembered inodes are synced (their data long written back by now).
    for (const oldest of this.byIno.keys()) {
      if (this.count <= MAX_REMEMBERED) break;
      if (!(await this.sync(oldest).then(() => true, () => false))) break; // kept: the next fsync of it reports
    }
  }

  private remember(ino: Ino, keys: readonly string[]): void {
    if (!keys.length) return;
    const held = this.byIno.get(ino);
    if (held) held.push(...keys);
    else this.byIno.set(ino, [...keys]);
    this.count += keys.length;
  }

  /** Syncs `keys` and every remembered object of `ino`; on failure the remembered ones stay. */
  async sync(ino: Ino, keys: readonly string[] = []): Promise<void> {
    const held = this.byIno.get(ino) ?? [];
    this.byIno.delete(ino);
    this.count -= held.length;
    try {
      if (held.length || keys.length) await this.store.sync([...held, ...keys]);
    } catch (err) {
      this.remember(ino, held);
      throw err;
    }
  }
}
