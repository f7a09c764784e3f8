import type { ChunkRecordCursor, ChunkRecordRow, SymlinkRow, VolumeView, XattrRow } from '../../engine.js';
import type { Attr, DetachedNode, DirQuota, Edge, FileType, Ino, PendingSlice, SessionId, SessionInfo, SliceId, CounterName } from '../../types.js';
import type { SqlQuerier } from './dialect.js';
import { readCounter } from './counter-shards.js';
import { attrFromRow, NODE_COLUMNS, type NodeRow } from './rows.js';

/** Every directory quota (a transaction's and a scan's read). */
export async function listQuotasSql(q: SqlQuerier): Promise<DirQuota[]> {
  const rows = await q.all<{ ino: number; capacity: number; inodes: number; used_bytes: number; used_inodes: number }>(
    `SELECT ino, capacity, inodes, used_bytes, used_inodes FROM quota ORDER BY ino`,
  );
  return rows.map((r) => ({
    ino: Number(r.ino) as Ino, capacity: Number(r.capacity), inodeLimit: Number(r.inodes), usedBytes: Number(r.used_bytes), usedInodes: Number(r.used_inodes),
  }));
}

/**
 * The whole-volume reads (fsck, gc, status) over one querier: the engine's reader (committed
 * state) or a snapshot's read transaction. Pages follow primary keys with row-value comparisons,
 * so each page is one index range, whatever the table's size.
 */
export class SqlScans implements VolumeView {
  constructor(
    private readonly q: SqlQuerier,
    /** Rows each usage counter is spread over (SqlFeatures.counterShards). */
    private readonly counterShards: number,
  ) {}

  getCounter(name: CounterName): Promise<number> {
    return readCounter(this.q, name, this.counterShards);
  }
  async pendingSlices(limit: number, after = 0): Promise<PendingSlice[]> {
    const rows = await this.q.all<{ id: number; size: number }>(`SELECT id, size FROM delslice WHERE id > ? ORDER BY id LIMIT ?`, [after, limit]);
    return rows.map((r) => ({ id: Number(r.id) as SliceId, size: Number(r.size) }));
  }
  async listSessions(): Promise<SessionInfo[]> {
    const rows = await this.q.all<{ info: string }>(`SELECT info FROM session ORDER BY id`);
    return rows.map((r) => JSON.parse(r.info) as SessionInfo);
  }
  async listSustained(session: SessionId): Promise<Ino[]> {
    const rows = await this.q.all<{ ino: number }>(`SELECT ino FROM sustained WHERE session = ?`, [session]);
    return rows.map((r) => Number(r.ino) as Ino);
  }
  listQuotas(): Promise<DirQuota[]> {
    return listQuotasSql(this.q);
  }
  async listDetached(): Promise<DetachedNode[]> {
    const rows = await this.q.all<{ ino: number; session: number; created: number }>(`SELECT ino, session, created FROM detached ORDER BY ino`);
    return rows.map((r) => ({ ino: Number(r.ino) as Ino, session: Number(r.session) as SessionId, createdAt: Number(r.created) }));
  }
  async listEdges(parent: Ino, after: Buffer | undefined, limit: number): Promise<Edge[]> {
    const rows = await this.q.all<{ name: Buffer; ino: number; type: string }>(
      after === undefined
        ? `SELECT name, ino, type FROM edge WHERE parent = ? ORDER BY name LIMIT ?`
        : `SELECT name, ino, type FROM edge WHERE parent = ? AND name > ? ORDER BY name LIMIT ?`,
      after === undefined ? [parent, limit] : [parent, after, limit],
    );
    return rows.map((r): Edge => ({ name: Buffer.from(r.name), ino: Number(r.ino) as Ino, type: r.type as FileType }));
  }

  async scanInodes(after: number, limit: number): Promise<Attr[]> {
    const rows = await this.q.all<NodeRow>(`SELECT ${NODE_COLUMNS} FROM node WHERE ino > ? ORDER BY ino LIMIT ?`, [after, limit]);
    return rows.map(attrFromRow);
  }
  async scanEdges(after: { parent: Ino; name: Buffer } | undefined, limit: number) {
    const rows = await this.q.all<{ parent: number; name: Buffer; ino: number; type: string }>(
      after
        ? `SELECT parent, name, ino, type FROM edge WHERE (parent, name) > (?, ?) ORDER BY parent, name LIMIT ?`
        : `SELECT parent, name, ino, type FROM edge ORDER BY parent, name LIMIT ?`,
      after ? [after.parent, after.name, limit] : [limit],
    );
    return rows.map((r) => ({ parent: Number(r.parent) as Ino, edge: { name: Buffer.from(r.name), ino: Number(r.ino) as Ino, type: r.type as FileType } }));
  }
  async scanSlices(after: number, limit: number) {
    const rows = await this.q.all<{ id: number; size: number; refs: number }>(`SELECT id, size, refs FROM slice WHERE id > ? ORDER BY id LIMIT ?`, [after, limit]);
    return rows.map((r) => ({ id: Number(r.id) as SliceId, size: Number(r.size), refs: Number(r.refs) }));
  }
  async scanSliceData(after: number, limit: number) {
    const rows = await this.q.all<{ id: number; data: Buffer }>(`SELECT id, data FROM slice_data WHERE id > ? ORDER BY id LIMIT ?`, [after, limit]);
    return rows.map((r) => ({ id: Number(r.id) as SliceId, data: Buffer.from(r.data) }));
  }
  async scanChunkRecords(after: ChunkRecordCursor | undefined, limit: number): Promise<ChunkRecordRow[]> {
    const rows = await this.q.all<{ ino: number; indx: number; seq: number; pos: number; id: number; size: number; off: number; len: number }>(
      `SELECT ino, indx, seq, pos, id, size, off, len FROM chunk_slice WHERE (ino, indx, seq) > (?, ?, ?) ORDER BY ino, indx, seq LIMIT ?`,
      [after?.ino ?? -1, after?.index ?? 0, after?.seq ?? 0, limit],
    );
    return rows.map((r) => ({
      ino: Number(r.ino) as Ino,
      index: Number(r.indx),
      seq: Number(r.seq),
      record: { pos: Number(r.pos), id: Number(r.id) as SliceId, size: Number(r.size), off: Number(r.off), len: Number(r.len) },
    }));
  }
  async scanSymlinks(after: number, limit: number): Promise<SymlinkRow[]> {
    const rows = await this.q.all<{ ino: number; target: Buffer }>(`SELECT ino, target FROM symlink WHERE ino > ? ORDER BY ino LIMIT ?`, [after, limit]);
    return rows.map((r) => ({ ino: Number(r.ino) as Ino, target: Buffer.from(r.target) }));
  }
  async scanXattrs(after: { ino: Ino; name: string } | undefined, limit: number): Promise<XattrRow[]> {
    const rows = await this.q.all<{ ino: number; name: string; value: Buffer }>(
      `SELECT ino, name, value FROM xattr WHERE (ino, name) > (?, ?) ORDER BY ino, name LIMIT ?`,
      [after?.ino ?? -1, after?.name ?? '', limit],
    );
    return rows.map((r) => ({ ino: Number(r.ino) as Ino, name: r.name, value: Buffer.from(r.value) }));
  }
}
