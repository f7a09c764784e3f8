import { isFsError } from '../../../errors/index.js';
import { type Change, type ChangeListener, type ChangeSubscription, decodeChanges, encodeChanges } from '../../change.js';
import type { ChunkRecordCursor, ChunkRecordRow, Engine, EngineTx, SymlinkRow, TxnOptions, VolumeTotals, VolumeView, XattrRow } from '../../engine.js';
import type { Attr, CounterName, DetachedNode, Ino, PendingSlice, SessionId, SessionInfo, SliceId, VolumeSettings } from '../../types.js';
import type { SqlDialect } from './dialect.js';
import { attrParams, NODE_COLUMNS, NODE_FIELDS } from './rows.js';
import { schemaStatements, TABLES } from './schema.js';
import { ShardTurns } from './counter-shards.js';
import { SqlScans } from './sql-scans.js';
import { SqlTx } from './sql-tx.js';

const SETTINGS_KEY = 'volume';
const SCHEMA_KEY = 'schema';
/** Bumped whenever schema.ts gains a table or index, so older volumes get it on open. */
const SCHEMA_REVISION = 6;

/** Every column of a node row as expected (parameters: all, attrParams). */
const NODE_IS = NODE_FIELDS.map((c) => `${c} = ?`).join(' AND ');
/** Commit guards: the node exactly as assumed (parameters: attrParams), and with no entry of a name in it (then: parent, name). */
const NODE_HELD = `EXISTS (SELECT 1 FROM node WHERE ${NODE_IS})`;
const NODE_HELD_NAME_FREE = `${NODE_HELD} AND NOT EXISTS (SELECT 1 FROM edge WHERE parent = ? AND name = ?)`;
/**
 * And an entry of a name naming a node exactly as assumed, open in no session (then: parent,
 * name, ino, the node's attrParams, ino).
 */
const ENTRY_HELD = `${NODE_HELD} AND EXISTS (SELECT 1 FROM edge WHERE parent = ? AND name = ? AND ino = ?)
  AND ${NODE_HELD} AND NOT EXISTS (SELECT 1 FROM sustained WHERE ino = ?)`;
/** Replaces a node's columns (parameters: all but ino) where every column holds the expected value (parameters: all). */
const REPLACE_NODE = `UPDATE node SET ${NODE_FIELDS.slice(1).map((c) => `${c} = ?`).join(', ')} WHERE ${NODE_IS}`;

/** The SQL engine family: one implementation over a thin dialect. */
export class SqlEngine implements Engine {
  private readonly scans: SqlScans;
  /** Which row of each usage counter the next write transaction adds to. */
  private readonly shards: ShardTurns;

  constructor(private readonly d: SqlDialect) {
    this.scans = new SqlScans(d.reader, d.features.counterShards);
    this.shards = new ShardTurns(d.features.counterShards);
  }

  get scheme(): string {
    return this.d.scheme;
  }
  /** Where statements are round trips, an unlink given its entry reads nothing (txn). */
  get takesAssumedEntries(): boolean {
    return this.d.features.roundTrips;
  }

  async format(settings: VolumeSettings, root: Attr, force: boolean) {
    for (const ddl of schemaStatements(this.d.types)) await this.d.exec(ddl);
    await this.d.transaction(async (q) => {
      if (force) for (const table of TABLES) await q.run(`DELETE FROM ${table}`);
      await q.run(`INSERT INTO setting (name, value) VALUES (?, ?)`, [SETTINGS_KEY, JSON.stringify(settings)]);
      await q.run(`INSERT INTO setting (name, value) VALUES (?, ?)`, [SCHEMA_KEY, String(SCHEMA_REVISION)]);
      await q.run(`INSERT INTO node (${NODE_COLUMNS}) VALUES (${NODE_FIELDS.map(() => '?').join(', ')})`, attrParams(root));
      for (const [name, value] of [['nextInode', root.ino], ['inodes', 1], ['nextSlice', 0], ['nextSession', 0], ['usedBytes', 0], ['storedSlices', 0], ['storedBytes', 0]] as const) {
        await q.run(`INSERT INTO counter (name, value) VALUES (?, ?)`, [name, value]);
      }
    });
  }

  async loadSettings(): Promise<VolumeSettings | undefined> {
    let rows: Array<{ value: string }>;
    try {
      rows = await this.d.reader.all<{ value: string }>(`SELECT value FROM setting WHERE name = ?`, [SETTINGS_KEY]);
    } catch (err) {
      if (this.d.isMissingTable(err)) return undefined; // no schema yet: not formatted
      throw err;
    }
    if (!rows[0]) return undefined;
    await this.upgradeSchema();
    return JSON.parse(rows[0].value) as VolumeSettings;
  }

  async saveSettings(settings: VolumeSettings): Promise<void> {
    await this.d.transaction((q) => q.run(`UPDATE setting SET value = ? WHERE name = ?`, [JSON.stringify(settings), SETTINGS_KEY]));
  }
  destroy(): Promise<void> {
    return this.d.destroy(TABLES);
  }

  /**
   * Adds the tables and indexes introduced since the volume was formatted (all CREATE … IF NOT
   * EXISTS), once: the schema revision is kept as a setting, so opening costs no DDL (DDL takes
   * locks that would contend with other clients' writers).
   */
  private async upgradeSchema(): Promise<void> {
    const [row] = await this.d.reader.all<{ value: string }>(`SELECT value FROM setting WHERE name = ?`, [SCHEMA_KEY]);
    if (Number(row?.value ?? 0) >= SCHEMA_REVISION) return;
    try {
      for (const ddl of schemaStatements(this.d.types)) await this.d.exec(ddl);
    } catch (err) {
      // Opened read-only (status, dump, fsck reports): read what is there; a writer upgrades it.
      if (isFsError(err, 'EROFS')) return;
      throw err;
    }
    await this.d.transaction((q) =>
      q.run(`INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [SCHEMA_KEY, String(SCHEMA_REVISION)]),
    );
  }

  txn<T>(fn: (tx: EngineTx) => Promise<T>, options?: TxnOptions): Promise<T> {
    // An assumed inode saves its read where statements are round trips: the commit checks it instead.
    const assume = this.d.features.roundTrips ? options?.assume : undefined;
    const absent = assume && options?.assumeAbsent;
    const entry = assume && !absent ? options?.assumeEntry : undefined;
    const guard = assume && (absent
      ? { condition: NODE_HELD_NAME_FREE, params: [...attrParams(assume), assume.ino, absent] }
      : entry
        ? { condition: ENTRY_HELD, params: [...attrParams(assume), assume.ino, entry.name, entry.attr.ino, ...attrParams(entry.attr), entry.attr.ino] }
        : { condition: NODE_HELD, params: attrParams(assume) });
    return this.d.transaction(async (q, guarded) => {
      const tx = new SqlTx(q, this.d, {
        transaction: true,
        shard: this.shards.take(),
        assumed: guarded ? assume : undefined,
        assumedAbsent: guarded ? absent : undefined,
        assumedEntry: guarded ? entry : undefined,
      });
      const result = await fn(tx);
      await tx.flush();
      return result;
    }, guard ? { ...options, guard } : options);
  }
  async replaceInode(expected: Attr, next: Attr, changes: readonly Change[]): Promise<boolean> {
    const params = [...attrParams(next).slice(1), ...attrParams(expected)];
    const payload = changes.length ? encodeChanges(changes) : undefined;
    if (this.d.updateAlone) return ((await this.d.updateAlone(REPLACE_NODE, params, payload)) ?? 0) > 0;
    return this.d.transaction(async (q) => {
      if ((await q.run(REPLACE_NODE, params)) === 0) return false;
      if (payload) await this.d.changes.publish(q, payload);
      return true;
    });
  }
  subscribeChanges(listener: ChangeListener): Promise<ChangeSubscription> {
    return this.d.changes.subscribe((payload) => listener(decodeChanges(payload)));
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
  getCounter(name: CounterName): Promise<number> {
    return this.scans.getCounter(name);
  }

  pendingSlices(limit: number, after = 0): Promise<PendingSlice[]> {
    return this.scans.pendingSlices(limit, after);
  }
  async finishPendingSlices(ids: readonly SliceId[]) {
    if (!ids.length) return;
    await this.d.transaction(async (q) => {
      let slices = 0;
      let bytes = 0;
      for (const id of ids) {
        for (const row of await q.all<{ size: number }>(`DELETE FROM delslice WHERE id = ? RETURNING size`, [id])) {
          slices++;
          bytes += Number(row.size);
        }
        await q.run(`DELETE FROM slice_data WHERE id = ?`, [id]);
      }
      const count = `INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counter.value + excluded.value`;
      if (slices) for (const [name, delta] of [['storedSlices', -slices], ['storedBytes', -bytes]] as const) await q.run(count, [name, delta]);
    });
  }

  async putSession(s: SessionInfo) {
    await this.d.transaction((q) =>
      q.run(`INSERT INTO session (id, info, expires) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET info = excluded.info, expires = excluded.expires`, [
        s.id, JSON.stringify(s), s.expires,
      ]),
    );
  }
  async renewSession(s: SessionInfo, now: number) {
    return this.d.transaction(async (q) => {
      // The info column repeats `expires`: both change together.
      const changed = await q.run(`UPDATE session SET info = ?, expires = ? WHERE id = ? AND expires >= ?`, [JSON.stringify(s), s.expires, s.id, now]);
      return changed > 0;
    });
  }
  async fenceSession(id: SessionId, at: number) {
    return this.d.transaction(async (q) => {
      const [row] = await q.all<{ info: string; expires: number }>(`SELECT info, expires FROM session WHERE id = ?`, [id]);
      if (!row) return true;
      if (Number(row.expires) >= at) return false;
      const info = { ...(JSON.parse(row.info) as SessionInfo), expires: 0 };
      await q.run(`UPDATE session SET info = ?, expires = 0 WHERE id = ?`, [JSON.stringify(info), id]);
      return true;
    });
  }
  listSessions(): Promise<SessionInfo[]> {
    return this.scans.listSessions();
  }
  async deleteSession(id: SessionId) {
    await this.d.transaction(async (q) => {
      await q.run(`DELETE FROM sustained WHERE session = ?`, [id]);
      await q.run(`DELETE FROM locks WHERE session = ?`, [id]);
      await q.run(`DELETE FROM session WHERE id = ?`, [id]);
    });
  }
  listSustained(session: SessionId): Promise<Ino[]> {
    return this.scans.listSustained(session);
  }
  listDetached(): Promise<DetachedNode[]> {
    return this.scans.listDetached();
  }

  scanInodes(after: number, limit: number): Promise<Attr[]> {
    return this.scans.scanInodes(after, limit);
  }
  scanEdges(after: { parent: Ino; name: Buffer } | undefined, limit: number) {
    return this.scans.scanEdges(after, limit);
  }
  scanSlices(after: number, limit: number) {
    return this.scans.scanSlices(after, limit);
  }
  scanChunkRecords(after: ChunkRecordCursor | undefined, limit: number): Promise<ChunkRecordRow[]> {
    return this.scans.scanChunkRecords(after, limit);
  }
  scanSliceData(after: number, limit: number) {
    return this.scans.scanSliceData(after, limit);
  }
  scanSymlinks(after: number, limit: number): Promise<SymlinkRow[]> {
    return this.scans.scanSymlinks(after, limit);
  }
  scanXattrs(after: { ino: Ino; name: string } | undefined, limit: number): Promise<XattrRow[]> {
    return this.scans.scanXattrs(after, limit);
  }
  snapshot<T>(fn: (view: VolumeView) => Promise<T>): Promise<T> {
    return this.d.snapshot((q) => fn(new SqlScans(q, this.d.features.counterShards)));
  }

  async totals(): Promise<VolumeTotals> {
    const num = async (sql: string) => Number((await this.d.reader.all<{ n: number | null }>(sql))[0]?.n ?? 0);
    return {
      inodes: await num(`SELECT COUNT(*) AS n FROM node`),
      fileBytes: await num(`SELECT SUM(length) AS n FROM node WHERE type = 'file'`),
      slices: await num(`SELECT COUNT(*) AS n FROM slice`),
      sliceBytes: await num(`SELECT SUM(size) AS n FROM slice`),
      pendingSlices: await num(`SELECT COUNT(*) AS n FROM delslice`),
      inlineSlices: await num(`SELECT COUNT(*) AS n FROM slice_data`),
      inlineBytes: await num(`SELECT SUM(LENGTH(data)) AS n FROM slice_data`),
    };
  }
  stats() {
    return this.d.stats();
  }
  close() {
    return this.d.close();
  }
}
