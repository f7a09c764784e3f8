import type { Attr, Ino } from './types.js';

/** Entries kept before expired ones are pruned. */
const PRUNE_AT = 8_192;

/** A transaction under way, as RecentAttrs follows it. */
export interface RecentRun {
  /** Another transaction ran at some point while this one did. */
  overlapped: boolean;
  /** Transactions with writes settled when it began, and when that was. */
  readonly began: WriteMark;
}

/** A point in this client's transactions (`RecentAttrs.mark`): those that settled before it, and when it was taken. */
export interface WriteMark {
  readonly settled: number;
  readonly at: number;
}

/** An inode's attributes as this client's own commit left them, and how old that commit is. */
export interface RecentAttr {
  attr: Attr;
  /** Milliseconds since the transaction that wrote them committed. */
  ageMs: number;
}

/**
 * The attributes this client's own committed transactions wrote, for `lifetimeMs`. A reader that
 * may be as stale as a kernel's attribute cache (a FUSE GETATTR, whose answer the kernel keeps
 * for its timeout anyway) takes them instead of an engine read: after a create or unlink the
 * kernel asks for the directory's attributes, which the transaction has just written. Another
 * client's change since then is missed for at most the age, as it would be in the kernel's cache.
 *
 * Only `putInode` changes an existing inode's attributes in the engine contract (set-based
 * clones create new inodes), so recording it and `deleteInode` in every transaction (the change
 * feed's recording, change-feed.ts, does both) keeps this exact for this client's own changes.
 * Transactions that overlap in time may commit in another order than their promises settle, so
 * what an overlapped transaction wrote to an inode that another transaction, settled since the
 * first began, also wrote is dropped instead (one that settles later drops it in turn), as is
 * all that a transaction running longer than the lifetime wrote. Whatever hands on attributes it read
 * (lookup, open, a listing) calls `forget`, so a later answer from here never contradicts them.
 */
export class RecentAttrs {
  private readonly attrs = new Map<Ino, { attr: Attr; at: number }>();
  /**
   * Inodes this client's committed transactions deleted, and when: kept from overlapping
   * transactions too (an inode number is never used again, so no commit order undoes a deletion).
   */
  private readonly deleted = new Map<Ino, { at: number }>();
  /** Inodes this client's transactions wrote (committed, or failed: maybe committed), when they settled and as which. */
  private readonly written = new Map<Ino, { at: number; settled: number; linked?: boolean }>();
  /** Transactions with writes settled so far (numbers them for `mark`). */
  private settled = 0;
  /** Transactions between their start and their settling. */
  private readonly running = new Set<RecentRun>();

  /** `onWritten`: told of each inode a settled transaction of this client wrote (committed or maybe). */
  constructor(
    readonly lifetimeMs: number,
    private readonly onWritten?: (ino: Ino) => void,
  ) {}

  /** The attributes of `ino` if this client committed them at most `maxAgeMs` (and the lifetime) ago. */
  get(ino: Ino, maxAgeMs: number, now = Date.now()): RecentAttr | undefined {
    const entry = this.attrs.get(ino);
    if (!entry) return undefined;
    const ageMs = Math.max(0, now - entry.at);
    if (ageMs > Math.min(maxAgeMs, this.lifetimeMs)) return undefined;
    return { attr: entry.attr, ageMs };
  }

  /** Whether this client's own committed transaction deleted `ino` at most the lifetime ago. */
  removed(ino: Ino, now = Date.now()): boolean {
    const entry = this.deleted.get(ino);
    return entry !== undefined && now - entry.at <= this.lifetimeMs;
  }

  /** This point in this client's transactions, for `writtenSince`. */
  mark(): WriteMark {
    return { settled: this.settled, at: Date.now() };
  }

  /**
   * Whether a transaction of this client that wrote `ino` settled after `mark` was taken; true
   * too when the mark is more than the lifetime old (what was written then is no longer kept).
   */
  writtenSince(ino: Ino, mark: WriteMark, now = Date.now()): boolean {
    if (now - mark.at > this.lifetimeMs) return true;
    const entry = this.written.get(ino);
    return entry !== undefined && entry.settled > mark.settled;
  }

  /**
   * Whether the last transaction of this client that wrote `ino`, if it settled at most `maxAgeMs`
   * ago, left it with a name (nlink > 0): undefined when there is none or it failed. An
   * overlapping one may have committed in another order: a close's release deferred on this
   * answer is only finished later if so (release).
   */
  leftLinked(ino: Ino, maxAgeMs: number, now = Date.now()): boolean | undefined {
    const entry = this.written.get(ino);
    return entry && now - entry.at <= Math.min(maxAgeMs, this.lifetimeMs) ? entry.linked : undefined;
  }

  get size(): number {
    return this.attrs.size;
  }

  /** A transaction starts (publishingChanges records its writes): the handle for `committed` or `failed`. */
  begin(): RecentRun {
    const run = { overlapped: this.running.size > 0, began: this.mark() };
    for (const other of this.running) other.overlapped = true;
    this.running.add(run);
    return run;
  }

  /** It committed, leaving these attributes (undefined: deleted): kept, unless its order against another's commit is unknown. */
  committed(run: RecentRun, written: ReadonlyMap<Ino, Attr | undefined> | undefined): void {
    this.running.delete(run);
    if (!written) return;
    const at = Date.now();
    const tooLong = at - run.began.at > this.lifetimeMs; // what settled meanwhile may be pruned
    for (const [ino, attr] of written) {
      const ambiguous = run.overlapped && (tooLong || this.writtenSince(ino, run.began, at));
      this.attrs.delete(ino); // re-inserted last: the map stays in commit order, oldest first
      if (attr && !ambiguous) this.attrs.set(ino, { attr, at });
      if (!attr) this.deleted.set(ino, { at });
    }
    this.wrote(written, at);
    if (this.attrs.size > PRUNE_AT) this.prune(this.attrs, at);
    if (this.deleted.size > PRUNE_AT) this.prune(this.deleted, at);
  }

  /** It failed: committed or not is unknown here, so what it wrote is asked of the engine again. */
  failed(run: RecentRun, written: ReadonlyMap<Ino, Attr | undefined> | undefined): void {
    this.running.delete(run);
    for (const ino of written?.keys() ?? []) this.attrs.delete(ino);
    if (written) this.wrote(new Map([...written.keys()].map((ino) => [ino, null])), Date.now());
  }

  /** Records what a settled transaction wrote: attributes (undefined: deleted), or null where its outcome is unknown. */
  private wrote(written: ReadonlyMap<Ino, Attr | undefined | null>, at: number): void {
    const settled = ++this.settled;
    for (const [ino, attr] of written) {
      this.onWritten?.(ino);
      this.written.delete(ino);
      this.written.set(ino, { at, settled, linked: attr === null ? undefined : attr !== undefined && attr.nlink > 0 });
    }
    if (this.written.size > PRUNE_AT) this.prune(this.written, at, true);
  }

  /**
   * Something read the inode's attributes and handed them on (a lookup, an open, a listing):
   * they are at least as fresh as what is kept, and a later answer from here must not contradict
   * them (an OPEN that found another client's append makes the kernel ask again).
   */
  forget(ino: Ino): void {
    this.attrs.delete(ino);
  }

  /**
   * Drops what expired, and the oldest past PRUNE_AT (maps in commit order, oldest first);
   * `expiredOnly`: what is not yet expired stays however many (`writtenSince` must not miss it).
   */
  private prune(map: Map<Ino, { at: number }>, now: number, expiredOnly = false): void {
    for (const [ino, entry] of map) {
      if (now - entry.at <= this.lifetimeMs && (expiredOnly || map.size <= PRUNE_AT)) break;
      map.delete(ino);
    }
  }
}
