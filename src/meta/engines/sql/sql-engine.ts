import type { Engine, EngineTx, TxnOptions, VolumeTotals } from '../../engine.js';
import type { Attr, CounterName, DetachedNode, FileType, Ino, PendingSlice, SessionId, SessionInfo, SliceId, VolumeSettings } from '../../types.js';
import type { SqlDialect } from './dialect.js';
import { attrFromRow, attrParams, NODE_COLUMNS, NODE_FIELDS, type NodeRow } from './rows.js';
import { schemaStatements, TABLES } from './schema.js';
import { SqlTx } from './sql-tx.js';

const SETTINGS_KEY = 'volume';
const SCHEMA_KEY = 'schema';
/** Bumped whenever schema.ts gains a table or index, so older volumes get it on open. */
const SCHEMA_REVISION = 3;

/** The SQL engine family: one implementation over a thin dialect. */
export class SqlEngine implements Engine {
  constructor(private readonly d: SqlDialect) {}

  get scheme(): string {
    return this.d.scheme;
  }

  async format(settings: VolumeSettings, root: Attr, force: boolean) {
    for (const ddl of schemaStatements(this.d.types)) await this.d.exec(ddl);
    await this.d.transaction(async (q) => {
      if (force) for (const table of TABLES) await q.run(`DELETE FROM ${table}`);
      await q.run(`INSERT INTO setting (name, value) VALUES (?, ?)`, [SETTINGS_KEY, JSON.stringify(settings)]);
      await q.run(`INSERT INTO setting (name, value) VALUES (?, ?)`, [SCHEMA_KEY, String(SCHEMA_REVISION)]);
      await q.run(`INSERT INTO node (${NODE_COLUMNS}) VALUES (${NODE_FIELDS.map(() => '?').join(', ')})`, attrParams(root));
      for (const [name, value] of [['nextInode', root.ino], ['inodes', 1], ['nextSlice', 0], ['nextSession', 0], ['usedBytes', 0]] as const) {
        await q.run(`INSERT INTO counter (name, value) VALUES (?, ?)`, [name, value]);
      }
    });
  }

  async loadSettings(): Promise<VolumeSettings | undefined> {
    let rows: Array<{ value: string }>;
    try {
      rows = await this.d.reader.all<{ value: string }>(`SELECT value FROM setting WHERE name = ?`, [SETTINGS_KEY]);
    } catch {
      return undefined; // no schema yet: not formatted
    }
    if (!rows[0]) return undefined;
    await this.upgradeSchema();
    return JSON.parse(rows[0].value) as VolumeSettings;
  }

  /**
   * Adds the tables and indexes introduced since the volume was formatted (all CREATE … IF NOT
   * EXISTS), once: the schema revision is kept as a setting, so opening costs no DDL (DDL takes
   * locks that would contend with other clients' writers).
   */
  private async upgradeSchema(): Promise<void> {
    const [row] = await this.d.reader.all<{ value: string }>(`SELECT value FROM setting WHERE name = ?`, [SCHEMA_KEY]);
    if (Number(row?.value ?? 0) >= SCHEMA_REVISION) return;
    for (const ddl of schemaStatements(this.d.types)) await this.d.exec(ddl);
    await this.d.transaction((q) =>
      q.run(`INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [SCHEMA_KEY, String(SCHEMA_REVISION)]),
    );
  }

  txn<T>(fn: (tx: EngineTx) => Promise<T>, options?: TxnOptions): Promise<T> {
    return this.d.transaction(async (q) => {
      const tx = new SqlTx(q, this.d, { transaction: true });
      const result = await fn(tx);
      await tx.flush();
      return result;
    }, options);
  }
  read<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T> {
    return fn(new SqlTx(this.d.reader, this.d));
  }

  async incrCounter(name: CounterName, n: number): Promise<number> {
    return this.d.transaction(async (q) => {
      const [row] = await q.all<{ value: number }>(
        `INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counter.value + excluded.value RETURNING value`,
        [name, n],
      );
      return Number(row!.value);
    });
  }
  async getCounter(name: CounterName): Promise<number> {
    const [row] = await this.d.reader.all<{ value: number }>(`SELECT value FROM counter WHERE name = ?`, [name]);
    return row ? Number(row.value) : 0;
  }

  async pendingSlices(limit: number): Promise<PendingSlice[]> {
    const rows = await this.d.reader.all<{ id: number; size: number }>(`SELECT id, size FROM delslice ORDER BY id LIMIT ?`, [limit]);
    return rows.map((r) => ({ id: r.id as SliceId, size: r.size }));
  }
  async finishPendingSlices(ids: readonly SliceId[]) {
    if (!ids.length) return;
    await this.d.transaction(async (q) => {
      for (const id of ids) await q.run(`DELETE FROM delslice WHERE id = ?`, [id]);
    });
  }

  async putSession(s: SessionInfo) {
    await this.d.transaction((q) =>
      q.run(`INSERT INTO session (id, info, expires) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET info = excluded.info, expires = excluded.expires`, [
        s.id, JSON.stringify(s), s.expires,
      ]),
    );
  }
  async listSessions(): Promise<SessionInfo[]> {
    const rows = await this.d.reader.all<{ info: string }>(`SELECT info FROM session ORDER BY id`);
    return rows.map((r) => JSON.parse(r.info) as SessionInfo);
  }
  async deleteSession(id: SessionId) {
    await this.d.transaction(async (q) => {
      await q.run(`DELETE FROM sustained WHERE session = ?`, [id]);
      await q.run(`DELETE FROM locks WHERE session = ?`, [id]);
      await q.run(`DELETE FROM session WHERE id = ?`, [id]);
    });
  }
  async listSustained(session: SessionId): Promise<Ino[]> {
    const rows = await this.d.reader.all<{ ino: number }>(`SELECT ino FROM sustained WHERE session = ?`, [session]);
    return rows.map((r) => r.ino as Ino);
  }
  async listDetached(): Promise<DetachedNode[]> {
    const rows = await this.d.reader.all<{ ino: number; session: number; created: number }>(`SELECT ino, session, created FROM detached ORDER BY ino`);
    return rows.map((r) => ({ ino: r.ino as Ino, session: r.session as SessionId, createdAt: r.created }));
  }

  async scanInodes(after: number, limit: number): Promise<Attr[]> {
    const rows = await this.d.reader.all<NodeRow>(`SELECT ${NODE_COLUMNS} FROM node WHERE ino > ? ORDER BY ino LIMIT ?`, [after, limit]);
    return rows.map(attrFromRow);
  }
  async scanEdges(after: { parent: Ino; name: Buffer } | undefined, limit: number) {
    const rows = await this.d.reader.all<{ parent: number; name: Buffer; ino: number; type: string }>(
      after
        ? `SELECT parent, name, ino, type FROM edge WHERE parent > ? OR (parent = ? AND name > ?) ORDER BY parent, name LIMIT ?`
        : `SELECT parent, name, ino, type FROM edge ORDER BY parent, name LIMIT ?`,
      after ? [after.parent, after.parent, after.name, limit] : [limit],
    );
    return rows.map((r) => ({ parent: Number(r.parent) as Ino, edge: { name: Buffer.from(r.name), ino: Number(r.ino) as Ino, type: r.type as FileType } }));
  }
  async scanSlices(after: number, limit: number) {
    const rows = await this.d.reader.all<{ id: number; size: number; refs: number }>(`SELECT id, size, refs FROM slice WHERE id > ? ORDER BY id LIMIT ?`, [after, limit]);
    return rows.map((r) => ({ id: Number(r.id) as SliceId, size: Number(r.size), refs: Number(r.refs) }));
  }
  async chunkReferences() {
    const counts = new Map<SliceId, number>();
    for (const r of await this.d.reader.all<{ id: number; n: number }>(`SELECT id, COUNT(*) AS n FROM chunk_slice WHERE id <> 0 GROUP BY id`)) {
      counts.set(Number(r.id) as SliceId, Number(r.n));
    }
    const owners = new Set<Ino>();
    for (const r of await this.d.reader.all<{ ino: number }>(`SELECT DISTINCT ino FROM chunk_slice`)) owners.add(Number(r.ino) as Ino);
    return { counts, owners };
  }

  async totals(): Promise<VolumeTotals> {
    const num = async (sql: string) => Number((await this.d.reader.all<{ n: number | null }>(sql))[0]?.n ?? 0);
    return {
      inodes: await num(`SELECT COUNT(*) AS n FROM node`),
      fileBytes: await num(`SELECT SUM(length) AS n FROM node WHERE type = 'file'`),
      slices: await num(`SELECT COUNT(*) AS n FROM slice`),
      sliceBytes: await num(`SELECT SUM(size) AS n FROM slice`),
      pendingSlices: await num(`SELECT COUNT(*) AS n FROM delslice`),
    };
  }
  stats() {
    return this.d.stats();
  }
  close() {
    return this.d.close();
  }
}
