import type { CounterName, Ino, SessionId } from '../../types.js';

/** Matches a key of the layout once the prefix is removed (see README.md). */
const OWN_KEY = /^(?:[idnsxclo]\d+|setting|counter:[A-Za-z]+|sliceRefs|sliceSizes|sliceData|delSlices|sessions|detached|quotas|sustained:\d+|sessionLocks:\d+)$/;

/** Every key of one volume, under its prefix. Per-inode keys are one letter and the inode number. */
export class KeyLayout {
  /** Volume settings, JSON (string). */
  readonly setting: string;
  /** Slice id → reference count (hash). */
  readonly sliceRefs: string;
  /** Slice id → size in bytes (hash). */
  readonly sliceSizes: string;
  /** Inline data: slice id → the slice's bytes (hash). */
  readonly sliceData: string;
  /** Deletion queue: members `id:size`, scored by id (sorted set). */
  readonly delSlices: string;
  /** Session id → SessionInfo JSON (hash). */
  readonly sessions: string;
  /** Detached node ino → {session, createdAt} JSON (hash). */
  readonly detached: string;
  /** Directory quota ino → {capacity, inodeLimit, usedBytes, usedInodes} JSON (hash). */
  readonly quotas: string;
  /** The pub/sub channel of committed changes (watch); a channel, not a key. */
  readonly changes: string;

  constructor(readonly prefix: string) {
    const p = prefix;
    this.setting = `${p}setting`;
    this.sliceRefs = `${p}sliceRefs`;
    this.sliceSizes = `${p}sliceSizes`;
    this.sliceData = `${p}sliceData`;
    this.delSlices = `${p}delSlices`;
    this.sessions = `${p}sessions`;
    this.detached = `${p}detached`;
    this.quotas = `${p}quotas`;
    this.changes = `${p}changes`;
  }

  /** One volume counter: nextInode, nextSlice, nextSession, usedBytes, inodes (integer string). */
  counter(name: CounterName): string {
    return `${this.prefix}counter:${name}`;
  }
  /** Packed attributes (string). */
  inode(ino: Ino): string {
    return `${this.prefix}i${ino}`;
  }
  /** Directory entries: name → packed ino and type (hash). */
  entries(dir: Ino): string {
    return `${this.prefix}d${dir}`;
  }
  /** Directory entry names, all scored 0 so they sort by bytes (sorted set). */
  names(dir: Ino): string {
    return `${this.prefix}n${dir}`;
  }
  /** Symlink target (string). */
  symlink(ino: Ino): string {
    return `${this.prefix}s${ino}`;
  }
  /** Extended attributes: name → value (hash). */
  xattrs(ino: Ino): string {
    return `${this.prefix}x${ino}`;
  }
  /** Chunks: index → packed slice records, oldest first (hash). */
  chunks(ino: Ino): string {
    return `${this.prefix}c${ino}`;
  }
  /** Locks: session id → LockRecord[] JSON (hash). */
  locks(ino: Ino): string {
    return `${this.prefix}l${ino}`;
  }
  /** Sessions holding an inode open (set of session ids). */
  openers(ino: Ino): string {
    return `${this.prefix}o${ino}`;
  }
  /** Inodes a session holds open, kept alive if unlinked meanwhile (set). */
  sustained(session: SessionId): string {
    return `${this.prefix}sustained:${session}`;
  }
  /** Inodes on which a session holds locks, to drop them with the session (set). */
  sessionLocks(session: SessionId): string {
    return `${this.prefix}sessionLocks:${session}`;
  }

  /** The SCAN pattern of every key under the prefix (glob characters escaped). */
  get scanPattern(): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  }
  /** The SCAN pattern of the per-inode keys tagged `tag` (i, n, c, …). */
  tagPattern(tag: string): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}${tag}*`;
  }

  /** True when `key` belongs to this volume (not to another whose prefix starts like this one). */
  owns(key: string): boolean {
    return key.startsWith(this.prefix) && OWN_KEY.test(key.slice(this.prefix.length));
  }
  /** The inode number of a per-inode key of this volume tagged `tag`, or undefined. */
  inodeOf(key: string, tag: string): Ino | undefined {
    const rest = key.slice(this.prefix.length);
    return key.startsWith(this.prefix) && rest.startsWith(tag) && /^\d+$/.test(rest.slice(tag.length))
      ? (Number(rest.slice(tag.length)) as Ino)
      : undefined;
  }
}
