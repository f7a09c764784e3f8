import type { Ino, Timespec } from '../types.js';

/** How cloned inodes get their owner, mode and times. */
export type CloneAttrs =
  /** Copy mode, owner, group and times from the source. */
  | { preserve: true }
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
}
