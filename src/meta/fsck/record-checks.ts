import type { ChunkRecordRow } from '../engine.js';
import type { Finding } from './problems.js';

/**
 * Checks of single chunk records, run on every record as fsck streams them (check-slices.ts).
 * A check returns a finding (with its repair, if any) or undefined. Add one here to report a new
 * kind of damaged record; it sees one record at a time, so it keeps fsck's memory bounded.
 */
export const RECORD_CHECKS: ReadonlyArray<(row: ChunkRecordRow) => Finding | undefined> = [];
