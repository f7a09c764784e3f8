import type { Caller, Ino, SessionId, Timespec } from '../types.js';

/** How cloned inodes get their owner, mode and times. */
export type CloneAttrs =
  /**
   * Copy mode and times from the source; owner and group too when `owner` is absent (the caller
   * is root). A non-root caller's copy is owned by `owner` with setuid/setgid cleared, as `cp -p`.
   */
  | { preserve: true; owner?: { uid: number; gid: number } }
  /** The caller owns the clone; mode loses the umask bits; all times are `now`. */
  | { preserve: false; uid: number; gid: number; umask: number; now: Timespec };

/** One directory whose entries a clone batch copies into `dst`: those of `src` named after `after`. */
export interface CloneUnit {
  src: Ino;
  dst: Ino;
  after?: Buffer;
}

/** How far a batch got with one unit: all of it, or up to the name `last`. */
export interface UnitProgress {
  done: boolean;
  last?: Buffer;
}

/** What one clone batch did. */
export interface CloneBatch {
  /** Entries (inodes) created. */
  entries: number;
  /** Bytes of regular files created (logical). */
  bytes: number;
  /** Directories created, whose own entries the next level copies. */
  dirs: Array<{ src: Ino; dst: Ino }>;
  /** Per unit, in order; units the budget did not reach are not done, with their `after` unchanged. */
  progress: UnitProgress[];
}

/** Options of a clone, as the SDK and CLI pass them. */
export interface CloneOptions {
  /** Copy mode, owner, group and times (default: the caller owns it, times are now). */
  preserve?: boolean;
  /** Cancels the clone; everything it created is removed. */
  signal?: AbortSignal;
  /** Told (entries done, entries total) as the clone goes. */
  onProgress?: (done: number, total: number) => void;
  /** Clone a directory as of one instant, in one transaction (SQL engines). */
  consistent?: boolean;
  /** Entries per transaction for the batched directory clone (default 20000). */
  batchSize?: number;
  /** Awaited before each batch of a directory clone (tests: a handshake between batches). */
  beforeBatch?: () => Promise<void>;
}

/** What one batch of a batched clone copies: at most `budget` entries, with `attrs`; `owner` checked first. */
export interface CloneEntriesSpec {
  budget: number;
  attrs: CloneAttrs;
  /** The detached root the batch builds under and the session that must still own it (none in a consistent clone). */
  owner?: { root: Ino; session: SessionId };
  /** A non-root caller: every source directory of the units and every entry copied must be readable by it (EACCES). */
  readableBy?: Caller;
}
