import type { Operation } from './operations.js';

/**
 * Shortest failing lists the exerciser once found, replayed by test/torture.test.ts on fresh
 * files so each bug stays fixed. Add one per bug: the list the exerciser printed and saved.
 */
export const regressions: readonly { bug: string; ops: readonly Operation[] }[] = [
  {
    bug: 'T1: a write after a truncate by another process reported the old, larger size (FileWriter.end kept across commits)',
    ops: [
      { kind: 'write', file: 0, offset: 999, length: 99720, data: 1752298040 },
      { kind: 'truncate', file: 0, size: 14870, via: 'path' },
      { kind: 'write', file: 0, offset: 3907, length: 87604, data: 2097331798 },
    ],
  },
  {
    bug: 'T2: a read concurrent with the commit another read started saw zeros (Vfs.flushInode skipped in-flight commits)',
    ops: [
      { kind: 'write', file: 2, offset: 2582639, length: 38108, data: 1663309743 },
      { kind: 'copy', from: 1, to: 2, fromOffset: 1303407, toOffset: 0, length: 2160 },
      { kind: 'write', file: 2, offset: 11677, length: 89224, data: 922444260 },
    ],
  },
];
