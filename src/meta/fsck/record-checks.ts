import type { ChunkRecordRow } from '../engine.js';
import { recordProblem } from './chunk-records.js';
import type { Finding } from './problems.js';

/**
 * Checks of single chunk records, run on every record as fsck streams them (check-slices.ts).
 * A check returns a finding (with its repair, if any) or undefined. Add one here to report a new
 * kind of damaged record; it sees one record at a time, so it keeps fsck's memory bounded.
 */
export const RECORD_CHECKS: ReadonlyArray<(row: ChunkRecordRow) => Finding | undefined> = [
  // A record no operation writes (fallocate once wrote negative lengths): reported, never repaired.
  ({ ino, index, record: r }) => {
    const why = recordProblem(r);
    return why ? { kind: 'chunk-malformed', detail: `inode ${ino} chunk ${index} record {pos ${r.pos}, id ${r.id}, size ${r.size}, off ${r.off}, len ${r.len}}: ${why}` } : undefined;
  },
];
