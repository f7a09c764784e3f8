import { type Change, type ChangeListener, type ChangeSubscription, decodeChanges, encodeChanges } from '../../change.js';
import { CodedError } from '../../../errors/index.js';
import type { ChunkRecordCursor, ChunkRecordRow, Engine, EngineStats, EngineTx, SymlinkRow, TxnOptions, VolumeTotals, XattrRow } from '../../engine.js';
import type {
  Attr, CounterName, DetachedNode, Edge, Ino, PendingSlice, SessionId, SessionInfo, SliceId, VolumeSettings,
} from '../../types.js';
import { countRequest } from './activity.js';
import { asArray, asBuffer, asNumber, packAttr, pairs } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import { OrderedScans } from './ordered-scans.js';
import { evalScript, PlainReader } from './key-reader.js';
import { redisError } from './redis-errors.js';
import type { RedisArg, RedisConnections } from './redis-like.js';
import { RedisReadTx } from './redis-read-tx.js';
import { FINISH_PENDING, REPLACE_INODE } from './scripts.js';
import { TxRunner } from './tx-runner.js';
import { deleteVolumeKeys, volumeMemory, volumeTotals } from './volume-scan.js';

/** The Redis engine: keys under a prefix (see README.md), optimistic WATCH/MULTI transactions. */
export class RedisEngine implements Engine {
  readonly scheme: string;
  /** The key layout, under the volume's prefix. */
  readonly keys: KeyLayout;
  /** The metadata URL, password masked. */
  readonly url: string;
  private readonly runner: TxRunner;
  private readonly scans: OrderedScans;

  constructor(
    private readonly conns: RedisConnections,
    options: { keys: KeyLayout; url: string; scheme?: string },
  ) {
    this.keys = options.keys;
    this.url = options.url;
    this.scheme = options.scheme ?? 'redis';
    this.runner = new TxRunner(conns, this.keys, this.url);
    this.scans = new OrderedScans(conns.client, this.keys);
  }

  /** Committed changes of every client, through Redis pub/sub (published in each transaction's MULTI block). */
  async subscribeChanges(listener: ChangeListener): Promise<ChangeSubscription> {
    const stop = await this.conns.subscribe(this.keys.changes, (message) => listener(decodeChanges(message))).catch((err) => Promise.reject(redisError(err, this.url)));
    return { close: stop };
  }

  /** Transactions that lost a conflict and ran again. */
  get conflicts(): number {
    return this.runner.conflicts;
  }

  private async send(args: RedisArg[]): Promise<unknown> {
    countRequest('request');
    try {
      return await this.conns.client.sendCommand(args);
    } catch (err) {
      throw redisError(err, this.url);
    }
  }

  async format(settings: VolumeSettings, root: Attr, force: boolean) {
    if (force) await deleteVolumeKeys(this.conns.client, this.keys).catch((err) => Promise.reject(redisError(err, this.url)));
    await this.runner.run(async (tx) => {
      if (!force && (await tx.formatted())) {
        throw new CodedError('ERR_ALREADY_FORMATTED', `${this.url}: volume already formatted (use --force)`, { subject: this.url });
      }
      await tx.initVolume(settings, root);
    });
  }
  async loadSettings(): Promise<VolumeSettings | undefined> {
    const b = asBuffer(await this.send(['GET', this.keys.setting]));
    return b ? (JSON.parse(b.toString()) as VolumeSettings) : undefined;
  }

  async saveSettings(settings: VolumeSettings): Promise<void> {
    await this.send(['SET', this.keys.setting, JSON.stringify(settings)]);
  }
  async destroy(): Promise<void> {
    try {
      await deleteVolumeKeys(this.conns.client, this.keys).catch((err) => Promise.reject(redisError(err, this.url)));
    } finally {
      await this.close();
    }
  }

  txn<T>(fn: (tx: EngineTx) => Promise<T>, options?: TxnOptions): Promise<T> {
    return this.runner.run(fn, options?.assume && { attr: options.assume, absent: options.assumeAbsent });
  }
  read<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T> {
    return fn(new RedisReadTx(new PlainReader(this.conns.client, this.url), this.keys));
  }

  async incrCounter(name: CounterName, n: number) {
    return asNumber(await this.send(['INCRBY', this.keys.counter(name), String(n)]));
  }
  async getCounter(name: CounterName) {
    return asNumber(await this.send(['GET', this.keys.counter(name)]));
  }

  async pendingSlices(limit: number, after = 0): Promise<PendingSlice[]> {
    if (limit <= 0) return [];
    const members = asArray(await this.send(['ZRANGE', this.keys.delSlices, `(${after}`, '+inf', 'BYSCORE', 'LIMIT', '0', String(limit)]));
    return members.map((m) => {
      const [id, size] = asBuffer(m)!.toString().split(':');
      return { id: Number(id) as SliceId, size: Number(size) };
    });
  }
  /** One script: compare, set and publish atomically (one round trip instead of a watched read and MULTI/EXEC). */
  async replaceInode(expected: Attr, next: Attr, changes: readonly Change[]): Promise<boolean> {
    countRequest('request');
    const args = [packAttr(expected), packAttr(next), this.keys.changes, changes.length ? encodeChanges(changes) : ''];
    const replaced = await evalScript(this.conns.client, REPLACE_INODE, { keys: [this.keys.inode(next.ino)], args }).catch((err) => Promise.reject(redisError(err, this.url)));
    return asNumber(replaced) === 1;
  }
  async finishPendingSlices(ids: readonly SliceId[]) {
    if (!ids.length) return;
    const keys = [this.keys.delSlices, this.keys.counter('storedSlices'), this.keys.counter('storedBytes'), this.keys.sliceData];
    countRequest('request');
    await evalScript(this.conns.client, FINISH_PENDING, { keys, args: ids.map(String) }).catch((err) => Promise.reject(redisError(err, this.url)));
  }

  async putSession(session: SessionInfo) {
    await this.send(['HSET', this.keys.sessions, String(session.id), JSON.stringify(session)]);
  }
  renewSession(session: SessionInfo, now: number): Promise<boolean> {
    return this.runner.run((tx) => tx.renewSession(session, now));
  }
  fenceSession(id: SessionId, at: number): Promise<boolean> {
    return this.runner.run((tx) => tx.fenceSession(id, at));
  }
  async listSessions(): Promise<SessionInfo[]> {
    const values = asArray(await this.send(['HVALS', this.keys.sessions]));
    return values.map((v) => JSON.parse(asBuffer(v)!.toString()) as SessionInfo).sort((a, b) => a.id - b.id);
  }
  async deleteSession(id: SessionId) {
    await this.runner.run((tx) => tx.deleteSession(id));
  }
  async listSustained(session: SessionId): Promise<Ino[]> {
    return asArray(await this.send(['SMEMBERS', this.keys.sustained(session)])).map((x) => asNumber(x) as Ino);
  }
  async listDetached(): Promise<DetachedNode[]> {
    return pairs(await this.send(['HGETALL', this.keys.detached]))
      .map(([ino, json]) => ({ ino: Number(ino.toString()) as Ino, ...(JSON.parse(json.toString()) as Omit<DetachedNode, 'ino'>) }))
      .sort((a, b) => a.ino - b.ino);
  }

  scanInodes(after: number, limit: number): Promise<Attr[]> {
    return this.scans.inodes(after, limit).catch((err) => Promise.reject(redisError(err, this.url)));
  }
  scanEdges(after: { parent: Ino; name: Buffer } | undefined, limit: number): Promise<Array<{ parent: Ino; edge: Edge }>> {
    return this.scans.edges(after, limit).catch((err) => Promise.reject(redisError(err, this.url)));
  }
  scanSlices(after: number, limit: number): Promise<Array<{ id: SliceId; size: number; refs: number }>> {
    return this.scans.slices(after, limit).catch((err) => Promise.reject(redisError(err, this.url)));
  }
  scanSliceData(after: number, limit: number): Promise<Array<{ id: SliceId; data: Buffer }>> {
    return this.scans.sliceData(after, limit).catch((err) => Promise.reject(redisError(err, this.url)));
  }
  scanChunkRecords(after: ChunkRecordCursor | undefined, limit: number): Promise<ChunkRecordRow[]> {
    return this.scans.chunkRecords(after, limit).catch((err) => Promise.reject(redisError(err, this.url)));
  }
  scanSymlinks(after: number, limit: number): Promise<SymlinkRow[]> {
    return this.scans.symlinks(after, limit).catch((err) => Promise.reject(redisError(err, this.url)));
  }
  scanXattrs(after: { ino: Ino; name: string } | undefined, limit: number): Promise<XattrRow[]> {
    return this.scans.xattrs(after, limit).catch((err) => Promise.reject(redisError(err, this.url)));
  }

  async totals(): Promise<VolumeTotals> {
    return volumeTotals(this.conns.client, this.keys).catch((err) => Promise.reject(redisError(err, this.url)));
  }
  async stats(): Promise<EngineStats> {
    try {
      const info = asBuffer(await this.conns.client.sendCommand(['INFO', 'server']))!.toString();
      const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
      const { bytes, keys } = await volumeMemory(this.conns.client, this.keys);
      return { storageBytes: bytes, description: `Redis ${version} at ${this.url}: ${keys} keys` };
    } catch (err) {
      throw redisError(err, this.url);
    }
  }
  close(): Promise<void> {
    return this.conns.close();
  }
}
