import type { Change } from '../meta/change.js';
import type { Engine } from '../meta/engine.js';
import type { Ino } from '../meta/types.js';

/** Entries a cache keeps before it starts again (memory stays bounded whatever the tree). */
const MAX_CACHED = 4096;
const PAGE = 1000;
const ROOT = 1 as Ino;

/**
 * Names of inodes below a watched directory, for the changes that carry only an inode. The
 * entry changes, seen in commit order, keep them current (a file created, written and renamed
 * before the watcher looks is named as it was at each change); an inode not seen yet is found by
 * listing its directory (and walking up for a recursive watch). Bounded caches.
 */
export class ChangeNames {
  private readonly names = new Map<Ino, { parent: Ino; name: Buffer }>();
  private readonly entries = new Map<string, Ino>();
  private readonly dirs = new Map<Ino, string | null>();

  constructor(
    private readonly engine: Engine,
    private readonly top: Ino,
  ) {}

  /** Follows one entry change: `name` in `parent` now names `ino` (0: nothing). */
  saw(change: Change): void {
    if (!change.name) return;
    const key = `${change.parent}/${change.name.toString('latin1')}`;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      if (this.names.get(old)?.parent === change.parent) this.names.delete(old);
    }
    // A directory may have moved: its relative path is worked out again.
    if (!change.ino || this.dirs.has(change.ino)) this.dirs.clear();
    if (change.ino) this.remember(change.ino, { parent: change.parent, name: change.name });
  }

  private remember(ino: Ino, at: { parent: Ino; name: Buffer }): void {
    if (this.names.size >= MAX_CACHED) {
      this.names.clear();
      this.entries.clear();
    }
    this.names.set(ino, at);
    this.entries.set(`${at.parent}/${at.name.toString('latin1')}`, ino);
  }

  /** The name of `ino` in directory `parent`, or null when it has none there. */
  async nameIn(parent: Ino, ino: Ino): Promise<Buffer | null> {
    const known = this.names.get(ino);
    if (known?.parent === parent) return known.name;
    const found = await this.engine.read(async (tx) => {
      for (let after: Buffer | undefined; ;) {
        const page = await tx.listEdges(parent, after, PAGE);
        const hit = page.find((e) => e.ino === ino);
        if (hit) return hit.name;
        if (page.length < PAGE) return null;
        after = page[page.length - 1]!.name;
      }
    });
    if (found) this.remember(ino, { parent, name: found });
    return found;
  }

  /** The path of directory `dir` relative to the watched one ('' for itself), or null when outside it. */
  async relativeDir(dir: Ino, depth = 0): Promise<string | null> {
    if (dir === this.top) return '';
    const cached = this.dirs.get(dir);
    if (cached !== undefined) return cached;
    let rel: string | null = null;
    const attr = dir === ROOT || depth > 256 ? undefined : await this.engine.read((tx) => tx.getInode(dir));
    if (attr?.type === 'dir' && attr.parent) {
      const above = await this.relativeDir(attr.parent, depth + 1);
      const name = above === null ? null : await this.nameIn(attr.parent, dir);
      if (above !== null && name) rel = above ? `${above}/${name.toString()}` : name.toString();
    }
    if (this.dirs.size >= MAX_CACHED) this.dirs.clear();
    this.dirs.set(dir, rel);
    return rel;
  }
}
