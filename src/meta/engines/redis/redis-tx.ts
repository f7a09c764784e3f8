import { type Change, encodeChanges } from '../../change.js';
import type { CloneBatch, CloneEntriesSpec, CloneUnit } from '../../clone/clone-spec.js';
import type { EngineTx, EntryRead, FileHeadRead } from '../../engine.js';
import type {
  Attr, CounterName, DetachedNode, DirQuota, Edge, Ino, LockRecord, SessionId, SessionInfo, SliceId, SliceRecord, VolumeSettings,
} from '../../types.js';
import { copyAttr } from '../../types.js';
import { cloneEntriesQueued, countSubtreeRedis } from './clone-entries.js';
import { cloneEntriesOnServer } from './clone-on-server.js';
import { asArray, asBuffer, asNumber, packAttr, packEntry, packRecords, pairs, unpackAttr, unpackEntry, unpackRecords } from './codec.js';
import type { CommandBuffer } from './command-buffer.js';
import type { Assumption } from './guarded-commit.js';
import type { KeyLayout } from './key-layout.js';
import type { KeyReader } from './key-reader.js';
import { ADD_REFS, APPEND_CHUNK, DELETE_CHUNKS, DROP_REFS, LIST_ENTRIES } from './scripts.js';
import type { SliceState } from './slice-overlay.js';
import { summarizeSubtreeRedis } from './subtree-summary.js';
import { nameKey, TxOverlay } from './tx-overlay.js';


/** `id, n, id, n, …` for the reference scripts: occurrences of each non-hole id. */
function refArgs(ids: readonly SliceId[]): string[] {
  const counts = new Map<number, number>();
  for (const id of ids) if (id !== 0) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].flatMap(([id, n]) => [String(id), String(n)]);
}

/**
 * The engine primitives on Redis keys. Reads go through a KeyReader (which WATCHes inside a
 * transaction) and see the overlay of the transaction's own writes; writes are buffered in
 * order for one MULTI … EXEC. Without a buffer (Engine.read) the transaction is read-only.
 */
export class RedisTx implements EngineTx {
  readonly overlay = new TxOverlay();
  /** Set once a clone batch applied on its own (cloneEntries): later writes would not be atomic with it. */
  private sealed = false;
  private readonly openerChanges = new Map<Ino, Map<SessionId, boolean>>();
  /** Who held an inode open on the server, as a write transaction's getEntry read it (watched: true for this transaction). */
  private readonly serverOpeners = new Map<Ino, SessionId[]>();
  /** This transaction's own detached records (null: deleted), so its reads see them. */
  private readonly detachedChanges = new Map<Ino, DetachedNode | null>();
  /** This transaction's own quota records (null: deleted), so its reads see them. */
  private readonly quotaChanges = new Map<Ino, DirQuota | null>();
  /** Inline data this transaction stored, so its reads see it (only finishPendingSlices, outside transactions, removes data). */
  private readonly sliceDataPuts = new Map<SliceId, Buffer>();

  constructor(
    /** How this transaction reads (for the engine's own set-based hooks). */
    readonly reader: KeyReader,
    /** The key layout. */
    readonly keys: KeyLayout,
    private readonly writes?: CommandBuffer,
  ) {}

  private get k(): KeyLayout {
    return this.keys;
  }

  /** The buffered writes (for the engine's own set-based hooks); a read-only transaction has none. */
  get buffer(): CommandBuffer {
    if (!this.writes) throw new Error('Engine.read: the transaction is read-only');
    if (this.sealed) throw new Error('cloneEntries applied on its own: nothing may follow it in its transaction');
    return this.writes;
  }
  private get w(): CommandBuffer {
    return this.buffer;
  }

  /** PUBLISH in the MULTI block: sent to subscribers when EXEC applies it (not after a clone batch that applied on its own). */
  async publishChanges(changes: readonly Change[]) {
    if (this.writes && !this.sealed) this.writes.add('PUBLISH', this.k.changes, encodeChanges(changes));
  }

  /**
   * Takes what the caller assumed (TxnOptions.assume) as read: the inode's attributes and, when
   * given, a name its directory lacks. Nothing is watched for them: the commit checks them
   * (GUARDED_COMMIT).
   */
  assume(assumed: Assumption): void {
    this.overlay.inodes.set(assumed.attr.ino, copyAttr(assumed.attr));
    if (assumed.absent) this.overlay.setEdge(assumed.attr.ino, assumed.absent, null);
  }

  async getInode(ino: Ino) {
    let a = this.overlay.inodes.get(ino);
    if (a === undefined) a = this.keepInode(ino, await this.reader.read(this.k.inode(ino), ['GET', this.k.inode(ino)]));
    return a ? copyAttr(a) : undefined;
  }
  /** Decodes an inode read from the server and keeps it: reads are watched, so it stays true for this transaction. */
  private keepInode(ino: Ino, reply: unknown): Attr | null {
    const b = asBuffer(reply);
    const a = b && unpackAttr(ino, b);
    if (!this.overlay.inodes.has(ino)) this.overlay.inodes.set(ino, a);
    return a;
  }
  async putInode(attr: Attr) {
    this.w.add('SET', this.k.inode(attr.ino), packAttr(attr));
    this.overlay.inodes.set(attr.ino, copyAttr(attr));
  }
  async deleteInode(ino: Ino) {
    this.w.add('DEL', this.k.inode(ino), this.k.symlink(ino), this.k.xattrs(ino));
    this.overlay.inodes.set(ino, null);
    this.overlay.symlinks.set(ino, null);
    this.overlay.clearXattrs(ino);
  }

  async getEdge(parent: Ino, name: Buffer) {
    const known = this.overlay.edges.get(parent)?.get(nameKey(name));
    if (known !== undefined) return known ? { ...known, name: Buffer.from(known.name) } : undefined;
    const key = this.k.entries(parent);
    const b = asBuffer(await this.reader.read(key, ['HGET', key, name]));
    return b ? unpackEntry(Buffer.from(name), b) : undefined;
  }
  /**
   * The directory and its entry, in one round trip (both watched) when the transaction knows
   * neither yet, then the inode the entry names.
   */
  async getEntry(parent: Ino, name: Buffer): Promise<EntryRead> {
    let read: { edge?: Edge } | undefined;
    if (!this.overlay.inodes.has(parent) && this.overlay.edges.get(parent)?.get(nameKey(name)) === undefined) {
      const [inode, entries] = [this.k.inode(parent), this.k.entries(parent)];
      const [dir, entry] = await this.reader.readMany([inode, entries], [['GET', inode], ['HGET', entries, name]]);
      this.keepInode(parent, dir);
      const b = asBuffer(entry);
      read = { edge: b ? unpackEntry(Buffer.from(name), b) : undefined };
    }
    const dir = await this.getInode(parent);
    if (!dir) return {};
    const edge = read ? read.edge : await this.getEdge(parent, name);
    if (edge && this.writes && !this.overlay.inodes.has(edge.ino) && !this.serverOpeners.has(edge.ino)) {
      // A write transaction reads the named inode with who holds it open, an unlink's next question (openSessions).
      const [inode, openers] = [this.k.inode(edge.ino), this.k.openers(edge.ino)];
      const [attr, sessions] = await this.reader.readMany([inode, openers], [['GET', inode], ['SMEMBERS', openers]]);
      this.keepInode(edge.ino, attr);
      this.serverOpeners.set(edge.ino, asArray(sessions).map((x) => asNumber(x) as SessionId));
    }
    return { dir, edge, attr: edge && (await this.getInode(edge.ino)) };
  }
  async putEdge(parent: Ino, edge: Edge) {
    this.w.add('HSET', this.k.entries(parent), edge.name, packEntry(edge));
    this.w.add('ZADD', this.k.names(parent), '0', edge.name);
    this.overlay.setEdge(parent, edge.name, edge);
  }
  async deleteEdge(parent: Ino, name: Buffer) {
    this.w.add('HDEL', this.k.entries(parent), name);
    this.w.add('ZREM', this.k.names(parent), name);
    this.overlay.setEdge(parent, name, null);
  }
  async listEdges(parent: Ino, after: Buffer | undefined, limit: number) {
    const reach = limit + this.overlay.deletedEdges(parent);
    const start = after === undefined ? '-' : Buffer.concat([Buffer.from('('), after]);
    const reply = await this.reader.script(this.k.entries(parent), LIST_ENTRIES, {
      keys: [this.k.entries(parent), this.k.names(parent)],
      args: [start, String(reach)],
    });
    const server = pairs(asArray(reply).map((x) => x ?? Buffer.alloc(0)))
      .filter(([, v]) => v.length > 0)
      .map(([name, v]) => unpackEntry(name, v));
    return this.overlay.mergeEdges(parent, { server, after, limit });
  }

  async getSymlink(ino: Ino) {
    const known = this.overlay.symlinks.get(ino);
    if (known !== undefined) return known ? Buffer.from(known) : undefined;
    return asBuffer(await this.reader.read(this.k.symlink(ino), ['GET', this.k.symlink(ino)])) ?? undefined;
  }
  async putSymlink(ino: Ino, target: Buffer) {
    this.w.add('SET', this.k.symlink(ino), target);
    this.overlay.symlinks.set(ino, Buffer.from(target));
  }

  async getXattr(ino: Ino, name: string) {
    const known = this.overlay.xattr(ino, name);
    if (known !== undefined) return known ? Buffer.from(known) : undefined;
    return asBuffer(await this.reader.read(this.k.xattrs(ino), ['HGET', this.k.xattrs(ino), name])) ?? undefined;
  }
  async putXattr(ino: Ino, name: string, value: Buffer) {
    this.w.add('HSET', this.k.xattrs(ino), name, value);
    this.overlay.setXattr(ino, name, value);
  }
  async deleteXattr(ino: Ino, name: string) {
    this.w.add('HDEL', this.k.xattrs(ino), name);
    this.overlay.setXattr(ino, name, null);
  }
  async listXattrs(ino: Ino) {
    if (this.overlay.xattrsCleared(ino)) return this.overlay.mergeXattrNames(ino, []);
    const reply = await this.reader.read(this.k.xattrs(ino), ['HKEYS', this.k.xattrs(ino)]);
    return this.overlay.mergeXattrNames(ino, asArray(reply).map((n) => asBuffer(n)!.toString()));
  }

  async getChunk(ino: Ino, index: number) {
    const view = this.overlay.chunks(ino);
    const known = view.known(index);
    if (known) return known;
    const key = this.k.chunks(ino);
    return view.resolve(index, unpackRecords(asBuffer(await this.reader.read(key, ['HGET', key, String(index)]))));
  }
  async appendChunk(ino: Ino, index: number, records: readonly SliceRecord[]) {
    if (!records.length) return;
    this.w.script(APPEND_CHUNK, { keys: [this.k.chunks(ino)], args: [String(index), packRecords(records)] });
    this.overlay.chunks(ino).append(index, records);
  }
  /** Writes every chunk of an inode that has none yet (a clone); reference counts are left to the caller. */
  putChunks(ino: Ino, chunks: ReadonlyMap<number, readonly SliceRecord[]>): void {
    this.w.add('DEL', this.k.chunks(ino));
    if (chunks.size) this.w.add('HSET', this.k.chunks(ino), ...[...chunks].flatMap(([i, r]) => [String(i), packRecords(r)]));
    this.overlay.chunks(ino).replaceAll(chunks);
  }
  async setChunk(ino: Ino, index: number, records: readonly SliceRecord[]) {
    if (records.length) this.w.add('HSET', this.k.chunks(ino), String(index), packRecords(records));
    else this.w.add('HDEL', this.k.chunks(ino), String(index));
    this.overlay.chunks(ino).set(index, records);
  }
  async deleteChunks(ino: Ino, fromIndex: number) {
    const keys = [this.k.chunks(ino), this.k.sliceRefs, this.k.sliceSizes, this.k.delSlices];
    this.w.script(DELETE_CHUNKS, { keys, args: [String(fromIndex)] });
    const view = this.overlay.chunks(ino);
    this.overlay.slices.dropChunks({ ino, fromIndex, view: view.clone() });
    view.deleteFrom(fromIndex);
  }
  /** Every chunk of an inode on the server (watched), by index. */
  private async serverChunks(ino: Ino): Promise<Map<number, SliceRecord[]>> {
    const key = this.k.chunks(ino);
    const reply = await this.reader.read(key, ['HGETALL', key]);
    return new Map(pairs(reply).map(([index, packed]) => [Number(index.toString()), unpackRecords(packed)]));
  }
  async copyChunks(src: Ino, dst: Ino) {
    const chunks = this.overlay.chunks(src).resolveAll(await this.serverChunks(src));
    this.putChunks(dst, chunks);
    await this.addSliceRefs([...chunks.values()].flatMap((records) => records.map((r) => r.id)));
  }

  async createSlice(id: SliceId, size: number) {
    this.w.add('HSET', this.k.sliceRefs, String(id), '1');
    this.w.add('HSET', this.k.sliceSizes, String(id), String(size));
    this.overlay.slices.create(id, size);
  }
  async putSliceData(id: SliceId, data: Uint8Array) {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.w.add('HSET', this.k.sliceData, String(id), bytes);
    this.sliceDataPuts.set(id, Buffer.from(bytes));
  }
  /**
   * HMGET of the inline data hash (watched like the other slice hashes: inside a transaction,
   * any inline data committed meanwhile makes it run again), over this transaction's own puts.
   */
  async getSliceData(ids: readonly SliceId[]) {
    return this.sliceData(ids, (args) => this.reader.read(this.k.sliceData, args));
  }
  /** Inline data of slices, over this transaction's own puts, read with `hmget` (watched or not). */
  private async sliceData(ids: readonly SliceId[], hmget: (args: string[]) => Promise<unknown>): Promise<Map<SliceId, Buffer>> {
    const out = new Map<SliceId, Buffer>();
    const wanted: SliceId[] = [];
    for (const id of new Set(ids)) {
      if (id === 0) continue;
      const own = this.sliceDataPuts.get(id);
      if (own) out.set(id, Buffer.from(own));
      else wanted.push(id);
    }
    if (wanted.length) {
      const values = asArray(await hmget(['HMGET', this.k.sliceData, ...wanted.map(String)]));
      wanted.forEach((id, i) => {
        const data = asBuffer(values[i]);
        if (data) out.set(id, data);
      });
    }
    return out;
  }
  /**
   * The inode and, for a small regular file, its first chunk (both read in one round trip, watched)
   * with its slices' inline data, read without a watch: a slice's data never changes, and data
   * removed meanwhile (the slice lost its last reference) is only missing from the head.
   */
  async getFileHead(ino: Ino, maxLength: number): Promise<FileHeadRead> {
    let server: SliceRecord[] | undefined;
    if (!this.overlay.inodes.has(ino)) {
      const [inode, chunks] = [this.k.inode(ino), this.k.chunks(ino)];
      const [attr, chunk] = await this.reader.readMany([inode, chunks], [['GET', inode], ['HGET', chunks, '0']]);
      this.keepInode(ino, attr);
      server = unpackRecords(asBuffer(chunk));
    }
    const attr = await this.getInode(ino);
    if (attr?.type !== 'file' || attr.length < 1 || attr.length > maxLength) return { attr };
    const records = server ? this.overlay.chunks(ino).resolve(0, server) : await this.getChunk(ino, 0);
    const data = await this.sliceData(records.map((r) => r.id), (args) => this.reader.send(args));
    return { attr, head: { records, data } };
  }
  async addSliceRefs(ids: readonly SliceId[]) {
    const args = refArgs(ids);
    if (args.length) this.w.script(ADD_REFS, { keys: [this.k.sliceRefs], args });
    this.overlay.slices.addRefs(ids, 1);
  }
  async dropSliceRefs(ids: readonly SliceId[]) {
    const args = refArgs(ids);
    if (args.length) this.w.script(DROP_REFS, { keys: [this.k.sliceRefs, this.k.sliceSizes, this.k.delSlices], args });
    this.overlay.slices.addRefs(ids, -1);
  }
  /** Reads the two slice hashes (watching them: inside a transaction this conflicts with any slice change). */
  async getSlices(ids: readonly SliceId[]) {
    const drops = this.overlay.slices.chunkDrops;
    const chunks = new Map(await Promise.all(drops.map(async (d) => [d.ino, await this.serverChunks(d.ino)] as const)));
    const dropped = (d: (typeof drops)[number]) =>
      [...d.view.resolveAll(chunks.get(d.ino)!)].filter(([index]) => index >= d.fromIndex).flatMap(([, records]) => records);
    const wanted = [...new Set([...ids, ...drops.flatMap((d) => dropped(d).map((r) => r.id))])].filter((id) => id !== 0);
    const server = new Map<SliceId, SliceState>();
    if (wanted.length) {
      const fields = wanted.map(String);
      const [refs, sizes] = await Promise.all([
        this.reader.read(this.k.sliceRefs, ['HMGET', this.k.sliceRefs, ...fields]),
        this.reader.read(this.k.sliceSizes, ['HMGET', this.k.sliceSizes, ...fields]),
      ]).then((r) => r.map(asArray));
      wanted.forEach((id, i) => server.set(id, refs![i] == null ? undefined : { refs: asNumber(refs![i]), size: asNumber(sizes![i]) }));
    }
    const resolved = this.overlay.slices.resolve(server, dropped);
    const out = new Map<SliceId, { size: number; refs: number }>();
    for (const id of ids) {
      const s = resolved.get(id);
      if (s) out.set(id, { ...s });
    }
    return out;
  }

  async getCounter(name: CounterName) {
    const key = this.k.counter(name);
    return asNumber(await this.reader.read(key, ['GET', key])) + (this.overlay.counterDeltas.get(name) ?? 0);
  }
  async addCounter(name: CounterName, delta: number) {
    if (delta === 0) return;
    this.w.add('INCRBY', this.k.counter(name), String(delta));
    this.overlay.counterDeltas.set(name, (this.overlay.counterDeltas.get(name) ?? 0) + delta);
  }

  async listQuotas(): Promise<DirQuota[]> {
    const server = pairs(await this.reader.read(this.k.quotas, ['HGETALL', this.k.quotas]));
    const quotas = new Map(server.map(([ino, json]) => [Number(ino.toString()) as Ino, { ino: Number(ino.toString()) as Ino, ...(JSON.parse(json.toString()) as Omit<DirQuota, 'ino'>) }]));
    for (const [ino, q] of this.quotaChanges) {
      if (q) quotas.set(ino, { ...q });
      else quotas.delete(ino);
    }
    return [...quotas.values()].sort((a, b) => a.ino - b.ino);
  }
  async putQuota(q: DirQuota) {
    const { ino, ...rest } = q;
    this.w.add('HSET', this.k.quotas, String(ino), JSON.stringify(rest));
    this.quotaChanges.set(ino, { ...q });
  }
  async deleteQuota(ino: Ino) {
    this.w.add('HDEL', this.k.quotas, String(ino));
    this.quotaChanges.set(ino, null);
  }
  async addQuotaUsage(ino: Ino, delta: { bytes: number; inodes: number }) {
    // A read-modify-write of the watched hash: a concurrent change makes the transaction retry.
    const q = (await this.listQuotas()).find((x) => x.ino === ino);
    if (q) await this.putQuota({ ...q, usedBytes: q.usedBytes + delta.bytes, usedInodes: q.usedInodes + delta.inodes });
  }

  async putDetached(node: DetachedNode) {
    this.w.add('HSET', this.k.detached, String(node.ino), JSON.stringify({ session: node.session, createdAt: node.createdAt }));
    this.detachedChanges.set(node.ino, { ...node });
  }
  async deleteDetached(ino: Ino) {
    this.w.add('HDEL', this.k.detached, String(ino));
    this.detachedChanges.set(ino, null);
  }
  async getDetached(ino: Ino): Promise<DetachedNode | undefined> {
    const own = this.detachedChanges.get(ino);
    if (own !== undefined) return own ?? undefined;
    const json = asBuffer(await this.reader.read(this.k.detached, ['HGET', this.k.detached, String(ino)]));
    return json ? { ino, ...(JSON.parse(json.toString()) as Omit<DetachedNode, 'ino'>) } : undefined;
  }

  async putSustained(session: SessionId, ino: Ino) {
    this.w.add('SADD', this.k.sustained(session), String(ino));
    this.w.add('SADD', this.k.openers(ino), String(session));
    this.openersChanged(ino).set(session, true);
  }
  async deleteSustained(session: SessionId, ino: Ino) {
    this.w.add('SREM', this.k.sustained(session), String(ino));
    this.w.add('SREM', this.k.openers(ino), String(session));
    this.openersChanged(ino).set(session, false);
  }
  async openSessions(ino: Ino) {
    const key = this.k.openers(ino);
    const server = this.serverOpeners.get(ino) ?? asArray(await this.reader.read(key, ['SMEMBERS', key])).map((x) => asNumber(x) as SessionId);
    const sessions = new Set(server);
    for (const [session, open] of this.openerChanges.get(ino) ?? []) {
      if (open) sessions.add(session);
      else sessions.delete(session);
    }
    return [...sessions];
  }
  /** This transaction's own changes to who holds an inode open, so its reads see them. */
  private openersChanged(ino: Ino): Map<SessionId, boolean> {
    let m = this.openerChanges.get(ino);
    if (!m) this.openerChanges.set(ino, (m = new Map()));
    return m;
  }

  async getLocks(ino: Ino) {
    const key = this.k.locks(ino);
    const server = pairs(await this.reader.read(key, ['HGETALL', key]));
    const locks = new Map(server.map(([s, json]) => [Number(s.toString()) as SessionId, JSON.parse(json.toString()) as LockRecord[]]));
    for (const [session, records] of this.overlay.locks.get(ino) ?? []) {
      if (records) locks.set(session, records.map((l) => ({ ...l })));
      else locks.delete(session);
    }
    return locks;
  }
  async setLocks(ino: Ino, session: SessionId, locks: readonly LockRecord[]) {
    if (locks.length) {
      this.w.add('HSET', this.k.locks(ino), String(session), JSON.stringify(locks));
      this.w.add('SADD', this.k.sessionLocks(session), String(ino));
    } else {
      this.w.add('HDEL', this.k.locks(ino), String(session));
      this.w.add('SREM', this.k.sessionLocks(session), String(ino));
    }
    let m = this.overlay.locks.get(ino);
    if (!m) this.overlay.locks.set(ino, (m = new Map()));
    m.set(session, locks.length ? locks.map((l) => ({ ...l })) : null);
  }

  /**
   * In a transaction that has read and written nothing (a batch of a batched clone), the batch
   * runs as server-side scripts that apply at once, and the transaction takes nothing more.
   * Otherwise (a consistent clone's one transaction) it joins the transaction, queued for EXEC.
   */
  cloneEntries(units: readonly CloneUnit[], spec: CloneEntriesSpec): Promise<CloneBatch> {
    if (this.writes?.size !== 0 || this.reader.watchedKeys !== 0) return cloneEntriesQueued(this, units, spec);
    this.sealed = true;
    return cloneEntriesOnServer(this.reader, this.keys, { units, ...spec });
  }
  countSubtree(ino: Ino): Promise<number> {
    return countSubtreeRedis(this, ino);
  }
  summarizeSubtree(ino: Ino) {
    return summarizeSubtreeRedis(this.reader, this.k, ino);
  }

  /** True when the settings key exists (Engine.format). */
  async formatted(): Promise<boolean> {
    return asNumber(await this.reader.read(this.k.setting, ['EXISTS', this.k.setting])) > 0;
  }
  /** Writes a new volume's settings, root inode and counters (Engine.format). */
  async initVolume(settings: VolumeSettings, root: Attr): Promise<void> {
    await this.putInode(root);
    this.w.add('SET', this.k.setting, JSON.stringify(settings));
    const counters: Record<CounterName, number> = { nextInode: root.ino, inodes: 1, nextSlice: 0, nextSession: 0, usedBytes: 0, storedSlices: 0, storedBytes: 0 };
    this.w.add('MSET', ...Object.entries(counters).flatMap(([name, v]) => [this.k.counter(name as CounterName), String(v)]));
  }

  /** Renews a session that exists and has not expired at `now` (Engine.renewSession). */
  async renewSession(session: SessionInfo, now: number): Promise<boolean> {
    const stored = await this.readSession(session.id);
    if (!stored || stored.expires < now) return false;
    this.w.add('HSET', this.k.sessions, String(session.id), JSON.stringify(session));
    return true;
  }
  /** Marks a session that expired before `at` as dead for good (Engine.fenceSession). */
  async fenceSession(id: SessionId, at: number): Promise<boolean> {
    const stored = await this.readSession(id);
    if (!stored) return true;
    if (stored.expires >= at) return false;
    this.w.add('HSET', this.k.sessions, String(id), JSON.stringify({ ...stored, expires: 0 }));
    return true;
  }
  private async readSession(id: SessionId): Promise<SessionInfo | undefined> {
    const json = asBuffer(await this.reader.read(this.k.sessions, ['HGET', this.k.sessions, String(id)]));
    return json ? (JSON.parse(json.toString()) as SessionInfo) : undefined;
  }

  /** Removes a session, its sustained inodes and its locks (Engine.deleteSession). */
  async deleteSession(session: SessionId): Promise<void> {
    const key = this.k.sessionLocks(session);
    const inos = asArray(await this.reader.read(key, ['SMEMBERS', key])).map((x) => asNumber(x) as Ino);
    for (const ino of inos) await this.setLocks(ino, session, []);
    const held = this.k.sustained(session);
    for (const x of asArray(await this.reader.read(held, ['SMEMBERS', held]))) {
      this.w.add('SREM', this.k.openers(asNumber(x) as Ino), String(session));
    }
    this.w.add('DEL', key, this.k.sustained(session));
    this.w.add('HDEL', this.k.sessions, String(session));
  }
}
