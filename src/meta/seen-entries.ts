import { copyAttr, type Attr, type Ino } from './types.js';

/** Inodes and entries kept before the oldest are dropped. */
const KEEP = 16_384;

/**
 * Attributes and directory entries this client read lately (a lookup, a getattr, a listing), as
 * read: what an unlink may offer its engine instead of reading them again (TxnOptions.assume and
 * assumeEntry), with its commit guarded by them. A stale one costs the engine a second attempt,
 * never a wrong answer, so nothing here is invalidated when another client changes the volume;
 * it only expires after `lifetimeMs`. (RecentAttrs holds what this client's own commits wrote
 * later than any read: asked first.) With a lifetime of 0 it keeps nothing: a volume whose
 * engine does not take assumed entries (Engine.takesAssumedEntries) pays nothing for it.
 */
export class SeenEntries {
  private readonly inodes = new Map<Ino, { attr: Attr; at: number }>();
  private readonly entries = new Map<string, { ino: Ino; at: number }>();

  constructor(readonly lifetimeMs: number) {}

  /** An inode's attributes as just read; with `entry`, the name in a directory that named it. */
  saw(attr: Attr, entry?: { parent: Ino; name: Buffer }, now = Date.now()): void {
    if (this.lifetimeMs <= 0) return;
    this.inodes.delete(attr.ino); // re-inserted last: the maps stay oldest first
    this.inodes.set(attr.ino, { attr: copyAttr(attr), at: now });
    prune(this.inodes, now, this.lifetimeMs);
    if (entry) this.named(entry, attr.ino, now);
  }

  /** `name` in `parent` names `ino`: as read, or as this client's own commit just made it. */
  named(entry: { parent: Ino; name: Buffer }, ino: Ino, now = Date.now()): void {
    if (this.lifetimeMs <= 0) return;
    const key = entryKey(entry.parent, entry.name);
    this.entries.delete(key);
    this.entries.set(key, { ino, at: now });
    prune(this.entries, now, this.lifetimeMs);
  }

  /** The attributes of `ino` as last read, if at most the lifetime ago. */
  attr(ino: Ino, now = Date.now()): Attr | undefined {
    const seen = this.inodes.get(ino);
    return seen && now - seen.at <= this.lifetimeMs ? copyAttr(seen.attr) : undefined;
  }

  /** The inode `name` in `parent` named when last read, if at most the lifetime ago. */
  entry(parent: Ino, name: Buffer, now = Date.now()): Ino | undefined {
    const seen = this.entries.get(entryKey(parent, name));
    return seen && now - seen.at <= this.lifetimeMs ? seen.ino : undefined;
  }

  /** The name no longer names what was read (this client removed or replaced it). */
  forgetEntry(parent: Ino, name: Buffer): void {
    this.entries.delete(entryKey(parent, name));
  }

  /** This client wrote the inode: what it read before is older than that (RecentAttrs has the commit's attributes, briefly). */
  forgetAttr(ino: Ino): void {
    this.inodes.delete(ino);
  }
}

const entryKey = (parent: Ino, name: Buffer) => `${parent}/${name.toString('latin1')}`;

/** Drops the expired entries, and the oldest past KEEP (the map is oldest first). */
function prune<K>(map: Map<K, { at: number }>, now: number, lifetimeMs: number): void {
  if (map.size <= KEEP) return;
  for (const [key, entry] of map) {
    if (now - entry.at <= lifetimeMs && map.size <= KEEP) break;
    map.delete(key);
  }
}
