import type { Attr, FileType, Ino, SliceRecord } from '../../types.js';

/** A `node` row as the drivers return it. */
export interface NodeRow {
  ino: number; type: string; mode: number; uid: number; gid: number; nlink: number; length: number; rdev: number;
  atime: number; atimensec: number; mtime: number; mtimensec: number; ctime: number; ctimensec: number; parent: number;
}

/** The `node` table's columns, in order. */
export const NODE_FIELDS = [
  'ino', 'type', 'mode', 'uid', 'gid', 'nlink', 'length', 'rdev', 'atime', 'atimensec', 'mtime', 'mtimensec', 'ctime',
  'ctimensec', 'parent',
] as const satisfies readonly (keyof NodeRow)[];
export const NODE_COLUMNS = NODE_FIELDS.join(', ');

/** The node columns of the table aliased `t`, each renamed `t_<column>` (for joins that read two nodes). */
export const nodeColumnsOf = (t: string): string => NODE_FIELDS.map((c) => `${t}.${c} AS ${t}_${c}`).join(', ');

/** NULL for each of `nodeColumnsOf(t)` (a UNION ALL branch without that node). */
export const nullColumnsOf = (t: string): string => NODE_FIELDS.map((c) => `NULL AS ${t}_${c}`).join(', ');

/** The node aliased `t` in a joined row (`nodeColumnsOf`), or undefined where an outer join found none. */
export function nodeRowOf(row: Record<string, unknown>, t: string): NodeRow | undefined {
  if (row[`${t}_ino`] === null || row[`${t}_ino`] === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const c of NODE_FIELDS) out[c] = row[`${t}_${c}`];
  return out as unknown as NodeRow;
}

export function attrFromRow(r: NodeRow): Attr {
  return {
    ino: r.ino as Ino, type: r.type as FileType, mode: r.mode, uid: r.uid, gid: r.gid, nlink: r.nlink,
    length: r.length, rdev: r.rdev, atime: { sec: r.atime, nsec: r.atimensec }, mtime: { sec: r.mtime, nsec: r.mtimensec },
    ctime: { sec: r.ctime, nsec: r.ctimensec }, parent: r.parent as Ino,
  };
}

export function attrParams(a: Attr): unknown[] {
  return [
    a.ino, a.type, a.mode, a.uid, a.gid, a.nlink, a.length, a.rdev, a.atime.sec, a.atime.nsec, a.mtime.sec,
    a.mtime.nsec, a.ctime.sec, a.ctime.nsec, a.parent,
  ];
}

/** A `chunk_slice` row's record fields. */
export type RecordRow = Pick<SliceRecord, 'pos' | 'size' | 'off' | 'len'> & { id: number };

export function recordFromRow(r: RecordRow): SliceRecord {
  return { pos: r.pos, id: r.id as SliceRecord['id'], size: r.size, off: r.off, len: r.len };
}

/** Occurrences of each non-hole id, for reference-count updates in one statement per id. */
export function countIds(ids: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of ids) if (id !== 0) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
