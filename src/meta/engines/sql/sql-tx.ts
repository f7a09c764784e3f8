import { type Change, encodeChanges } from '../../change.js';
import type { EngineTx, EntriesRead, EntryRead, FileHeadRead } from '../../engine.js';
import { type Attr, type CounterName, copyAttr, type DetachedNode, type DirQuota, type Edge, type FileType, type Ino, type LockRecord, type SessionId, type SliceId, type SliceRecord } from '../../types.js';
import type { CloneEntriesSpec, CloneUnit } from '../../clone/clone-spec.js';
import type { SqlChangeFeed, SqlFeatures, SqlQuerier, SqlTypes } from './dialect.js';
import { counterRow, readCounter } from './counter-shards.js';
import { readEntryWalk } from './entry-walk.js';
import { cloneEntriesSql, countSubtreeSql, summarizeSubtreeSql } from './sql-clone.js';
import { scratchStatements } from './schema.js';
import { listQuotasSql } from './sql-scans.js';
import { groupStatement, WriteBatch, type WriteGroup } from './write-batch.js';
import {
  attrFromRow, attrParams, countIds, NODE_COLUMNS, NODE_FIELDS, nodeColumnsOf, nodeRowOf, nullColumnsOf, type NodeRow, type RecordRow, recordFromRow,
} from './rows.js';

const PUT_NODE = `INSERT INTO node (${NODE_COLUMNS}) VALUES (${NODE_FIELDS.map(() => '?').join(', ')})
  ON CONFLICT (ino) DO UPDATE SET ${NODE_FIELDS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`;

/** A directory, its entry of one name and the node that names: parameters name, then directory. */
const GET_ENTRY = `SELECT ${nodeColumnsOf('p')}, e.ino AS e_ino, e.type AS e_type, ${nodeColumnsOf('c')}
  FROM node p LEFT JOIN edge e ON e.parent = p.ino AND e.name = ? LEFT JOIN node c ON c.ino = e.ino
  WHERE p.ino = ?`;
/**
 * GET_ENTRY for a write transaction where each statement is a round trip: with the sessions that
 * hold the named node open, an unlink's next question (openSessions): parameters name, then
 * directory. (Whether the node has entries, rmdir's question, is not asked here: with few rows
 * in `edge` PostgreSQL scans it for that, and an unlink paid more than the round trip it saved.)
 */
const GET_ENTRY_TO_CHANGE = `SELECT ${nodeColumnsOf('p')}, e.ino AS e_ino, e.type AS e_type, ${nodeColumnsOf('c')},
  ARRAY(SELECT s.session FROM sustained s WHERE s.ino = c.ino) AS c_sessions
  FROM node p LEFT JOIN edge e ON e.parent = p.ino AND e.name = ? LEFT JOIN node c ON c.ino = e.ino
  WHERE p.ino = ?`;

/**
 * A node and, when it is a regular file of 1..maxLength bytes, the records of its first chunk
 * with their slices' inline data, a row per record (getFileHead): parameters maxLength, then ino.
 */
const GET_FILE_HEAD = `SELECT ${nodeColumnsOf('p')}, s.seq AS s_seq, s.pos AS s_pos, s.id AS s_id, s.size AS s_size, s.off AS s_off,
  s.len AS s_len, d.data AS s_data
  FROM node p LEFT JOIN chunk_slice s ON s.ino = p.ino AND s.indx = 0 AND p.type = 'file' AND p.length BETWEEN 1 AND ?
  LEFT JOIN slice_data d ON d.id = s.id
  WHERE p.ino = ? ORDER BY s.seq`;

/**
 * Deletes a file's chunk records from `fromIndex` on, dropping one reference per record, and
 * queues the slices left without one (writable WITH: PostgreSQL).
 */
const DELETE_CHUNKS = (ino: Ino, fromIndex: number, queued: number): WriteGroup => ({
  clauses: [
    ['d', 'DELETE FROM chunk_slice WHERE ino = ? AND indx >= ? RETURNING id'],
    ['c', 'SELECT id, COUNT(*) AS n FROM {d} WHERE id <> 0 GROUP BY id'],
    ['gone', 'DELETE FROM slice USING {c} WHERE slice.id = {c}.id AND slice.refs <= {c}.n RETURNING slice.id, slice.size'],
    ['kept', 'UPDATE slice SET refs = slice.refs - {c}.n FROM {c} WHERE slice.id = {c}.id AND slice.refs > {c}.n RETURNING slice.id'],
  ],
  sql: 'INSERT INTO delslice (id, size, queued) SELECT id, size, ? FROM {gone} ON CONFLICT (id) DO NOTHING',
  params: [ino, fromIndex, queued],
});

/** Whether the node aliased `c` has extended attributes (`ls -l` asks each file for two). */
const HAS_XATTRS = `EXISTS (SELECT 1 FROM xattr x WHERE x.ino = c.ino) AS c_xattrs`;
/**
 * One page of a directory's entries with the nodes they name (`listEntries`), in name order.
 * `dir`: the directory's own node comes first, as one more row (UNION ALL: one statement where
 * each is a round trip, without repeating the directory's columns in every entry's row).
 */
function listEntriesSql(after: boolean, withAttrs: boolean, dir: boolean): string {
  const nodes = withAttrs ? `, ${nodeColumnsOf('c')}, ${HAS_XATTRS}` : '';
  const join = withAttrs ? 'LEFT JOIN node c ON c.ino = e.ino' : '';
  const page = `SELECT ${dir ? `${nullColumnsOf('p')}, ` : ''}e.name AS e_name, e.ino AS e_ino, e.type AS e_type${nodes}
  FROM edge e ${join} WHERE e.parent = ?${after ? ' AND e.name > ?' : ''} ORDER BY e.name LIMIT ?`;
  if (!dir) return page;
  const none = `, NULL AS e_name, NULL AS e_ino, NULL AS e_type${withAttrs ? `, ${nullColumnsOf('c')}, NULL AS c_xattrs` : ''}`;
  return `SELECT ${nodeColumnsOf('p')}${none} FROM node p WHERE p.ino = ? UNION ALL (${page})`;
}
/** listEntriesSql by [after], in each shape a page takes: fixed texts, each prepared once. */
const LIST_ENTRIES = [false, true].map((after) => ({
  plain: listEntriesSql(after, false, false),
  withAttrs: listEntriesSql(after, true, false),
  withAttrsAndDir: listEntriesSql(after, true, true),
}));

/**
 * Moves the slices among `among` (a subquery or an id list) that lost their last reference into
 * the deletion queue. Naming the candidates keeps `refs` out of every index, so the reference
 * updates of a clone stay cheap (on PostgreSQL they can be heap-only updates).
 */
async function queueUnreferenced(q: SqlQuerier, among: { sql: string; params: readonly unknown[] }): Promise<void> {
  await q.run(
    `INSERT INTO delslice (id, size, queued) SELECT id, size, ? FROM slice WHERE refs <= 0 AND id IN (${among.sql})
     ON CONFLICT (id) DO NOTHING`,
    [Date.now(), ...among.params],
  );
  await q.run(`DELETE FROM slice WHERE refs <= 0 AND id IN (${among.sql})`, among.params);
}

/** The engine primitives as SQL shared by every dialect. */
export class SqlTx implements EngineTx {
  private readonly q: SqlQuerier;
  /** Single-row writes held back and sent together (transactions on dialects with writable WITH). */
  private readonly batch: WriteBatch | undefined;
  /**
   * What GET_ENTRY_TO_CHANGE read of a node: the sessions holding it open, kept up to date with
   * this transaction's own writes (a transaction reads one snapshot).
   */
  private readonly openedBy = new Map<Ino, SessionId[]>();
  /** The row of each usage counter this transaction adds to (counter-shards.ts). */
  private readonly shard: number;
  /**
   * An inode as the caller assumed it (TxnOptions.assume), answered without a read until this
   * transaction writes it; the commit is guarded by it (SqlEngine.txn).
   */
  private assumed: Attr | undefined;
  /** A name the caller assumed the directory `parent` lacks (TxnOptions.assumeAbsent), answered as absent until this transaction writes it; the commit is guarded by it. */
  private absent: { parent: Ino; name: Buffer } | undefined;
  /** An entry the caller assumed the directory has (TxnOptions.assumeEntry), answered without a read until this transaction writes it; the commit is guarded by it. */
  private assumedEdge: { parent: Ino; edge: Edge } | undefined;
  /** The node that entry names, as assumed (open in no session), until this transaction writes it. */
  private assumedNode: Attr | undefined;

  constructor(
    q: SqlQuerier,
    private readonly dialect: { features: SqlFeatures; types: SqlTypes; changes?: SqlChangeFeed },
    options: { transaction?: boolean; shard?: number; assumed?: Attr; assumedAbsent?: Buffer; assumedEntry?: { name: Buffer; attr: Attr } } = {},
  ) {
    this.shard = options.shard ?? 0;
    this.assumed = options.assumed;
    this.absent = options.assumed && options.assumedAbsent && { parent: options.assumed.ino, name: options.assumedAbsent };
    const entry = options.assumed && options.assumedEntry;
    if (entry) {
      this.assumedEdge = { parent: options.assumed!.ino, edge: { name: entry.name, ino: entry.attr.ino, type: entry.attr.type } };
      this.assumedNode = copyAttr(entry.attr);
      this.openedBy.set(entry.attr.ino, []);
    }
    this.batch = options.transaction && dialect.features.writableCte ? new WriteBatch(q) : undefined;
    this.q = this.batch ?? q;
  }

  /** Sends the writes held back, or hands them to COMMIT; a transaction calls it last, before COMMIT. */
  async flush(): Promise<void> {
    await this.batch?.flush(true);
  }

  /** A write of the one row `row` names in `table` that decides its final state: held back where batching. */
  private async write(
    table: string,
    row: string,
    sql: string,
    params: readonly unknown[],
    merge?: (held: readonly unknown[]) => readonly unknown[],
  ) {
    if (this.batch) await this.batch.later(table, row, sql, params, merge);
    else await this.q.run(sql, params);
  }

  /** The querier for statements on `tables` only: held writes to other tables stay held. */
  private on(...tables: string[]): SqlQuerier {
    return this.batch ? this.batch.on(tables) : this.q;
  }

  async publishChanges(changes: readonly Change[]) {
    // Where writes are batched (PostgreSQL), NOTIFY rides on the batch's last statement.
    await this.dialect.changes?.publish(this.batch ? this.batch.atEnd() : this.q, encodeChanges(changes));
  }

  async getInode(ino: Ino) {
    const a = this.assumed?.ino === ino ? this.assumed : this.assumedNode?.ino === ino ? this.assumedNode : undefined;
    if (a) return copyAttr(a);
    const [row] = await this.q.all<NodeRow>(`SELECT ${NODE_COLUMNS} FROM node WHERE ino = ?`, [ino]);
    return row && attrFromRow(row);
  }
  async putInode(attr: Attr) {
    if (this.assumed?.ino === attr.ino) this.assumed = undefined;
    if (this.assumedNode?.ino === attr.ino) this.assumedNode = undefined;
    await this.write('node', `${attr.ino}`, PUT_NODE, attrParams(attr));
  }
  async deleteInode(ino: Ino) {
    if (this.assumed?.ino === ino) this.assumed = undefined;
    if (this.assumedNode?.ino === ino) this.assumedNode = undefined;
    // Each decides its rows' final state (xattr: all of the inode's), so batching holds them.
    await this.write('node', `${ino}`, `DELETE FROM node WHERE ino = ?`, [ino]);
    await this.write('symlink', `${ino}`, `DELETE FROM symlink WHERE ino = ?`, [ino]);
    await this.write('xattr', `${ino}`, `DELETE FROM xattr WHERE ino = ?`, [ino]);
  }

  /** Whether `name` in `parent` is the entry assumed absent (and not written since). */
  private assumedAbsent(parent: Ino, name: Buffer): boolean {
    return this.absent !== undefined && this.absent.parent === parent && this.absent.name.equals(name);
  }

  /** The entry assumed present, if `name` in `parent` is it (and not written since). */
  private assumedEntry(parent: Ino, name: Buffer): Edge | undefined {
    const a = this.assumedEdge;
    return a && a.parent === parent && a.edge.name.equals(name) ? { ...a.edge } : undefined;
  }

  async getEdge(parent: Ino, name: Buffer) {
    if (this.assumedAbsent(parent, name)) return undefined;
    const assumed = this.assumedEntry(parent, name);
    if (assumed) return assumed;
    const [row] = await this.q.all<{ ino: number; type: string }>(`SELECT ino, type FROM edge WHERE parent = ? AND name = ?`, [parent, name]);
    return row && { name, ino: row.ino as Ino, type: row.type as FileType };
  }
  async putEdge(parent: Ino, edge: Edge) {
    if (this.assumedAbsent(parent, edge.name)) this.absent = undefined;
    if (this.assumedEntry(parent, edge.name)) this.assumedEdge = undefined;
    await this.write(
      'edge',
      `${parent} ${edge.name.toString('hex')}`,
      `INSERT INTO edge (parent, name, ino, type) VALUES (?, ?, ?, ?) ON CONFLICT (parent, name) DO UPDATE SET ino = excluded.ino, type = excluded.type`,
      [parent, edge.name, edge.ino, edge.type],
    );
  }
  async deleteEdge(parent: Ino, name: Buffer) {
    if (this.assumedAbsent(parent, name)) this.absent = undefined;
    if (this.assumedEntry(parent, name)) this.assumedEdge = undefined;
    await this.write('edge', `${parent} ${name.toString('hex')}`, `DELETE FROM edge WHERE parent = ? AND name = ?`, [parent, name]);
  }
  async getEntry(parent: Ino, name: Buffer) {
    if (this.assumedAbsent(parent, name) && this.assumed?.ino === parent) return { dir: copyAttr(this.assumed) };
    const assumed = this.assumed?.ino === parent ? this.assumedEntry(parent, name) : undefined;
    if (assumed && this.assumedNode?.ino === assumed.ino) return { dir: copyAttr(this.assumed!), edge: assumed, attr: copyAttr(this.assumedNode) };
    const toChange = this.batch !== undefined && this.dialect.features.roundTrips;
    const [row] = await this.q.all<Record<string, unknown>>(toChange ? GET_ENTRY_TO_CHANGE : GET_ENTRY, [name, parent]);
    const dir = row && nodeRowOf(row, 'p');
    if (!row || !dir) return {};
    const child = nodeRowOf(row, 'c');
    if (toChange && child) this.openedBy.set(Number(child.ino) as Ino, (row.c_sessions as unknown[]).map((id) => Number(id) as SessionId));
    const edge = row.e_ino === null || row.e_ino === undefined ? undefined : { name, ino: Number(row.e_ino) as Ino, type: row.e_type as FileType };
    return { dir: attrFromRow(dir), edge, attr: child && attrFromRow(child) };
  }
  async getEntries(start: Ino, names: readonly Buffer[]): Promise<EntryRead[]> {
    // One name where statements are not round trips: getEntry's join is the cheaper. (In a write
    // transaction the WITH sees its writes: a held-back write goes out before any other statement.)
    if (names.length === 1 && !this.dialect.features.roundTrips) return [await this.getEntry(start, names[0]!)];
    return readEntryWalk(this.q, this.dialect.types, start, names);
  }
  async listEdges(parent: Ino, after: Buffer | undefined, limit: number) {
    const rows = await this.q.all<{ name: Buffer; ino: number; type: string }>(
      after === undefined
        ? `SELECT name, ino, type FROM edge WHERE parent = ? ORDER BY name LIMIT ?`
        : `SELECT name, ino, type FROM edge WHERE parent = ? AND name > ? ORDER BY name LIMIT ?`,
      after === undefined ? [parent, limit] : [parent, after, limit],
    );
    return rows.map((r): Edge => ({ name: Buffer.from(r.name), ino: r.ino as Ino, type: r.type as FileType }));
  }

  async listEntries(parent: Ino, after: Buffer | undefined, limit: number, withAttrs: boolean): Promise<EntriesRead> {
    // One statement where each is a round trip and the page names inodes to read (a plain page
    // reads no more than two statements would, and the directory's empty columns in each row
    // made pages of 1,000 names 30 % slower).
    const joined = withAttrs && this.dialect.features.roundTrips;
    const dir = joined ? undefined : await this.getInode(parent);
    if (!joined && dir?.type !== 'dir') return { dir, entries: [] };
    const texts = LIST_ENTRIES[Number(after !== undefined)]!;
    const sql = joined ? texts.withAttrsAndDir : withAttrs ? texts.withAttrs : texts.plain;
    const page = after === undefined ? [parent, limit] : [parent, after, limit];
    const rows = await this.q.all<Record<string, unknown>>(sql, joined ? [parent, ...page] : page);
    let dirRow: NodeRow | undefined;
    const entries: EntriesRead['entries'] = [];
    for (const row of rows) {
      if (row.e_name === null || row.e_name === undefined) {
        dirRow = nodeRowOf(row, 'p'); // the directory's own row (joined)
        continue;
      }
      const edge: Edge = { name: Buffer.from(row.e_name as Buffer), ino: Number(row.e_ino) as Ino, type: row.e_type as FileType };
      const child = withAttrs ? nodeRowOf(row, 'c') : undefined;
      entries.push(child ? { ...edge, attr: attrFromRow(child), xattrs: Boolean(row.c_xattrs) } : edge);
    }
    if (!joined) return { dir, entries };
    if (!dirRow) return { entries: [] };
    // UNION ALL keeps its branches' order in practice; the contract is name order whatever the plan.
    if (entries.some((e, i) => i > 0 && Buffer.compare(entries[i - 1]!.name, e.name) >= 0)) entries.sort((a, b) => Buffer.compare(a.name, b.name));
    return { dir: attrFromRow(dirRow), entries };
  }

  async getFileHead(ino: Ino, maxLength: number): Promise<FileHeadRead> {
    const rows = await this.q.all<Record<string, unknown>>(GET_FILE_HEAD, [maxLength, ino]);
    const node = rows[0] && nodeRowOf(rows[0], 'p');
    if (!node) return {};
    const attr = attrFromRow(node);
    if (attr.type !== 'file' || attr.length < 1 || attr.length > maxLength) return { attr };
    const records: SliceRecord[] = [];
    const data = new Map<SliceId, Buffer>();
    for (const row of rows) {
      if (row.s_seq === null || row.s_seq === undefined) continue;
      const record = recordFromRow({ pos: Number(row.s_pos), id: Number(row.s_id), size: Number(row.s_size), off: Number(row.s_off), len: Number(row.s_len) });
      records.push(record);
      if (row.s_data !== null && row.s_data !== undefined) data.set(record.id, Buffer.from(row.s_data as Buffer));
    }
    return { attr, head: { records, data } };
  }

  async getSymlink(ino: Ino) {
    const [row] = await this.q.all<{ target: Buffer }>(`SELECT target FROM symlink WHERE ino = ?`, [ino]);
    return row && Buffer.from(row.target);
  }
  async putSymlink(ino: Ino, target: Buffer) {
    await this.q.run(`INSERT INTO symlink (ino, target) VALUES (?, ?) ON CONFLICT (ino) DO UPDATE SET target = excluded.target`, [ino, target]);
  }

  async getXattr(ino: Ino, name: string) {
    const [row] = await this.q.all<{ value: Buffer }>(`SELECT value FROM xattr WHERE ino = ? AND name = ?`, [ino, name]);
    return row && Buffer.from(row.value);
  }
  async putXattr(ino: Ino, name: string, value: Buffer) {
    await this.q.run(
      `INSERT INTO xattr (ino, name, value) VALUES (?, ?, ?) ON CONFLICT (ino, name) DO UPDATE SET value = excluded.value`,
      [ino, name, value],
    );
  }
  async deleteXattr(ino: Ino, name: string) {
    await this.q.run(`DELETE FROM xattr WHERE ino = ? AND name = ?`, [ino, name]);
  }
  async listXattrs(ino: Ino) {
    const rows = await this.q.all<{ name: string }>(`SELECT name FROM xattr WHERE ino = ? ORDER BY name`, [ino]);
    return rows.map((r) => r.name);
  }

  async getChunk(ino: Ino, index: number) {
    const rows = await this.q.all<RecordRow>(
      `SELECT pos, id, size, off, len FROM chunk_slice WHERE ino = ? AND indx = ? ORDER BY seq`,
      [ino, index],
    );
    return rows.map(recordFromRow);
  }
  async appendChunk(ino: Ino, index: number, records: readonly SliceRecord[]) {
    const append = `INSERT INTO chunk_slice (ino, indx, seq, pos, id, size, off, len)
         SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM chunk_slice WHERE ino = ? AND indx = ?`;
    for (const r of records) {
      const params = [ino, index, r.pos, r.id, r.size, r.off, r.len, ino, index];
      // Held with the commit's other writes (a file's close: one round trip less).
      if (this.batch) await this.batch.laterAppend('chunk_slice', append, params);
      else await this.q.run(append, params);
    }
  }
  async setChunk(ino: Ino, index: number, records: readonly SliceRecord[]) {
    await this.q.run(`DELETE FROM chunk_slice WHERE ino = ? AND indx = ?`, [ino, index]);
    let seq = 0;
    for (const r of records) {
      await this.q.run(
        `INSERT INTO chunk_slice (ino, indx, seq, pos, id, size, off, len) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [ino, index, ++seq, r.pos, r.id, r.size, r.off, r.len],
      );
    }
  }
  async deleteChunks(ino: Ino, fromIndex: number) {
    if (this.dialect.features.writableCte) {
      // One statement, held with the transaction's other writes (an unlink: one round trip
      // less), the queueing of slices that lost their last reference included: a slice row is
      // either deleted or updated, as the snapshot's count decides (one change per row; a
      // concurrent change to its count fails the serializable transaction, which runs again).
      if (this.batch) return this.batch.laterGroup(['chunk_slice', 'slice', 'delslice'], DELETE_CHUNKS(ino, fromIndex, Date.now()));
      const group = DELETE_CHUNKS(ino, fromIndex, Date.now());
      await this.q.run(groupStatement(group), group.params);
      return;
    }
    const changed = await this.q.run(
      `UPDATE slice SET refs = refs - c.n FROM
         (SELECT id, COUNT(*) AS n FROM chunk_slice WHERE ino = ? AND indx >= ? AND id <> 0 GROUP BY id) AS c
       WHERE slice.id = c.id`,
      [ino, fromIndex],
    );
    if (changed) {
      await queueUnreferenced(this.q, { sql: `SELECT id FROM chunk_slice WHERE ino = ? AND indx >= ? AND id <> 0`, params: [ino, fromIndex] });
    }
    await this.q.run(`DELETE FROM chunk_slice WHERE ino = ? AND indx >= ?`, [ino, fromIndex]);
  }
  async copyChunks(src: Ino, dst: Ino) {
    await this.q.run(
      `INSERT INTO chunk_slice (ino, indx, seq, pos, id, size, off, len)
       SELECT ?, indx, seq, pos, id, size, off, len FROM chunk_slice WHERE ino = ?`,
      [dst, src],
    );
    await this.q.run(
      `UPDATE slice SET refs = refs + c.n FROM
         (SELECT id, COUNT(*) AS n FROM chunk_slice WHERE ino = ? AND id <> 0 GROUP BY id) AS c
       WHERE slice.id = c.id`,
      [src],
    );
  }

  async createSlice(id: SliceId, size: number) {
    await this.write('slice', `${id}`, `INSERT INTO slice (id, size, refs) VALUES (?, ?, 1)`, [id, size]);
  }
  async putSliceData(id: SliceId, data: Uint8Array) {
    await this.write('slice_data', `${id}`, `INSERT INTO slice_data (id, data) VALUES (?, ?)`, [id, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
  }
  async getSliceData(ids: readonly SliceId[]) {
    const out = new Map<SliceId, Buffer>();
    const unique = [...new Set(ids)].filter((id) => id !== 0);
    for (let i = 0; i < unique.length; i += 500) {
      const part = unique.slice(i, i + 500);
      const rows = await this.q.all<{ id: number; data: Buffer }>(`SELECT id, data FROM slice_data WHERE id IN (${part.map(() => '?').join(', ')})`, part);
      for (const r of rows) out.set(Number(r.id) as SliceId, Buffer.from(r.data));
    }
    return out;
  }
  async addSliceRefs(ids: readonly SliceId[]) {
    for (const [id, n] of countIds(ids)) await this.q.run(`UPDATE slice SET refs = refs + ? WHERE id = ?`, [n, id]);
  }
  async dropSliceRefs(ids: readonly SliceId[]) {
    const counts = countIds(ids);
    for (const [id, n] of counts) await this.q.run(`UPDATE slice SET refs = refs - ? WHERE id = ?`, [n, id]);
    const dropped = [...counts.keys()];
    for (let i = 0; i < dropped.length; i += 500) {
      const part = dropped.slice(i, i + 500);
      await queueUnreferenced(this.q, { sql: part.map(() => '?').join(', '), params: part });
    }
  }

  async getCounter(name: CounterName) {
    return readCounter(this.on('counter'), name, this.dialect.features.counterShards);
  }
  async addCounter(name: CounterName, delta: number) {
    if (delta === 0) return;
    const row = counterRow(name, this.shard);
    await this.write(
      'counter',
      row,
      `INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counter.value + excluded.value`,
      [row, delta],
      (held) => [row, (held[1] as number) + delta],
    );
  }

  listQuotas() {
    return listQuotasSql(this.q);
  }
  async putQuota(q: DirQuota) {
    await this.q.run(
      `INSERT INTO quota (ino, capacity, inodes, used_bytes, used_inodes) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (ino) DO UPDATE SET capacity = excluded.capacity, inodes = excluded.inodes, used_bytes = excluded.used_bytes, used_inodes = excluded.used_inodes`,
      [q.ino, q.capacity, q.inodeLimit, q.usedBytes, q.usedInodes],
    );
  }
  async deleteQuota(ino: Ino) {
    await this.q.run(`DELETE FROM quota WHERE ino = ?`, [ino]);
  }
  async addQuotaUsage(ino: Ino, delta: { bytes: number; inodes: number }) {
    await this.q.run(`UPDATE quota SET used_bytes = used_bytes + ?, used_inodes = used_inodes + ? WHERE ino = ?`, [delta.bytes, delta.inodes, ino]);
  }

  async putDetached(node: DetachedNode) {
    await this.q.run(`INSERT INTO detached (ino, session, created) VALUES (?, ?, ?)`, [node.ino, node.session, node.createdAt]);
  }
  async deleteDetached(ino: Ino) {
    await this.q.run(`DELETE FROM detached WHERE ino = ?`, [ino]);
  }
  async getDetached(ino: Ino) {
    const [row] = await this.q.all<{ session: number; created: number }>(`SELECT session, created FROM detached WHERE ino = ?`, [ino]);
    return row && { ino, session: Number(row.session) as SessionId, createdAt: Number(row.created) };
  }

  async putSustained(session: SessionId, ino: Ino) {
    const holders = this.openedBy.get(ino);
    if (holders && !holders.includes(session)) holders.push(session);
    await this.write('sustained', `${session} ${ino}`, `INSERT INTO sustained (session, ino) VALUES (?, ?) ON CONFLICT (session, ino) DO NOTHING`, [session, ino]);
  }
  async openSessions(ino: Ino) {
    const holders = this.openedBy.get(ino);
    if (holders) return [...holders];
    const rows = await this.on('sustained').all<{ session: number }>(`SELECT session FROM sustained WHERE ino = ?`, [ino]);
    return rows.map((r) => Number(r.session) as SessionId);
  }
  async deleteSustained(session: SessionId, ino: Ino) {
    const holders = this.openedBy.get(ino);
    if (holders) this.openedBy.set(ino, holders.filter((s) => s !== session));
    await this.write('sustained', `${session} ${ino}`, `DELETE FROM sustained WHERE session = ? AND ino = ?`, [session, ino]);
  }

  async getSlices(ids: readonly SliceId[]) {
    const out = new Map<SliceId, { size: number; refs: number }>();
    const unique = [...new Set(ids)].filter((id) => id !== 0);
    for (let i = 0; i < unique.length; i += 500) {
      const part = unique.slice(i, i + 500);
      const rows = await this.q.all<{ id: number; size: number; refs: number }>(
        `SELECT id, size, refs FROM slice WHERE id IN (${part.map(() => '?').join(', ')})`,
        part,
      );
      for (const r of rows) out.set(r.id as SliceId, { size: Number(r.size), refs: Number(r.refs) });
    }
    return out;
  }

  cloneEntries(units: readonly CloneUnit[], spec: CloneEntriesSpec) {
    return cloneEntriesSql(this.q, units, { ...spec, scratch: scratchStatements(this.dialect.types), analyze: this.dialect.features.analyzeTempTables });
  }
  countSubtree(ino: Ino) {
    return countSubtreeSql(this.q, ino);
  }
  summarizeSubtree(ino: Ino) {
    return summarizeSubtreeSql(this.q, ino);
  }

  async getLocks(ino: Ino) {
    const rows = await this.q.all<{ session: number; records: string }>(`SELECT session, records FROM locks WHERE ino = ?`, [ino]);
    return new Map(rows.map((r) => [r.session as SessionId, JSON.parse(r.records) as LockRecord[]]));
  }
  async setLocks(ino: Ino, session: SessionId, locks: readonly LockRecord[]) {
    if (!locks.length) {
      await this.q.run(`DELETE FROM locks WHERE ino = ? AND session = ?`, [ino, session]);
      return;
    }
    await this.q.run(
      `INSERT INTO locks (ino, session, records) VALUES (?, ?, ?) ON CONFLICT (ino, session) DO UPDATE SET records = excluded.records`,
      [ino, session, JSON.stringify(locks)],
    );
  }
}
