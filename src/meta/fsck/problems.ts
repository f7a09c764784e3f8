import type { Engine } from '../engine.js';

/** One inconsistency fsck found, and whether --repair fixed it. */
export interface FsckProblem {
  kind:
    | 'slice-refs' | 'slice-missing' | 'slice-unreferenced' | 'edge-dangling' | 'inode-orphan' | 'nlink'
    | 'counter' | 'chunks-orphan' | 'queue-conflict' | 'object-missing' | 'chunk-malformed' | 'inline-orphan' | 'inline-size';
  detail: string;
  repaired: boolean;
}

/**
 * A repair: one transaction that first checks, in that transaction, that the finding still
 * holds (it returns false and changes nothing otherwise), then fixes it.
 */
export type Repair = (engine: Engine) => Promise<boolean>;

/** A problem as a check finds it, with its repair when it has one. */
export interface Finding {
  kind: FsckProblem['kind'];
  detail: string;
  repair?: Repair;
  /**
   * Repaired before the others: a repair that adds (references, links) runs before any that
   * drops, so a slice counted short is never freed on the way by another repair.
   */
  early?: boolean;
}

/** Where the checks put what they find. */
export type Report = (finding: Finding) => void;
