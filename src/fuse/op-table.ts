import type { OpDefinition } from './op.js';
import { dirOps } from './ops/dir-ops.js';
import { entryOps } from './ops/entry-ops.js';
import { fileOps } from './ops/file-ops.js';
import { lockOps } from './ops/lock-ops.js';
import { namespaceOps } from './ops/namespace-ops.js';
import { sessionOps } from './ops/session-ops.js';
import { xattrOps } from './ops/xattr-ops.js';

/** Opcode → definition. Opcodes not here (BMAP, IOCTL, POLL, TMPFILE, …) are answered ENOSYS. */
export type OpTable = ReadonlyMap<number, OpDefinition>;

/** The table of every implemented opcode. */
export function opTable(extra: readonly OpDefinition[] = []): OpTable {
  const table = new Map<number, OpDefinition>();
  for (const op of [...sessionOps, ...entryOps, ...namespaceOps, ...fileOps, ...dirOps, ...xattrOps, ...lockOps, ...extra]) {
    table.set(op.opcode, op);
  }
  return table;
}
