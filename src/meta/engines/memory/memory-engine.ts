import type { Change, ChangeListener, ChangeSubscription } from '../../change.js';
import type { ChunkRecordCursor, Engine, EngineTx, VolumeTotals, VolumeView } from '../../engine.js';
import type { Attr, CounterName, Ino, SessionId, SessionInfo, SliceId, VolumeSettings } from '../../types.js';
import { SerialQueue } from '../../../concurrency/serial-queue.js';
import { emptyState, type MemoryState, sameAttr } from './memory-state.js';
import { MemoryScans } from './memory-scans.js';
import { MemoryTx } from './memory-tx.js';
import { UndoLog } from './undo-log.js';

/** Volumes by URL, each with the one queue its clients' transactions share, and its change subscribers. */
const volumes = new Map<string, { state: MemoryState; queue: SerialQueue; listeners: Set<ChangeListener> }>();

/** A fast in-process engine for unit tests; engines opened with the same URL share one volume. */
export class MemoryEngine implements Engine {
  readonly scheme = 'mem';
  private readonly s: MemoryState;
  private readonly queue: SerialQueue;
  private readonly scans: MemoryScans;
  private readonly listeners: Set<ChangeListener>;

  constructor(readonly url: string) {
    let volume = volumes.get(url);
    if (!volume) volumes.set(url, (volume = { state: emptyState(), queue: new SerialQueue(), listeners: new Set() }));
    this.s = volume.state;
    this.queue = volume.queue;
    this.listeners = volume.listeners;
    this.scans = new MemoryScans(this.s);
  }

  /** Forgets the volume behind a URL, or every memory volume. */
  static reset(url?: string): void {
    if (url === undefined) volumes.clear();
    else volumes.delete(url);
  }

  async format(settings: VolumeSettings, root: Attr, force: boolean) {
    await this.queue.run(async () => {
      if (force) Object.assign(this.s, emptyState());
      this.s.settings = { ...settings };
      this.s.inodes.set(root.ino, root);
      this.s.counters.set('nextInode', root.ino);
      this.s.counters.set('inodes', 1);
    });
  }
  async loadSettings() {
    return this.s.settings && { ...this.s.settings };
  }

  async saveSettings(settings: VolumeSettings) {
    this.s.settings = { ...settings };
  }
  async destroy() {
    MemoryEngine.reset(this.url);
    Object.assign(this.s, emptyState());
  }

  txn<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      const undo = new UndoLog();
      const tx = new MemoryTx(this.s, undo);
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        undo.rollback();
        throw err;
      }
      // Committed: subscribers hear of it after this transaction, never inside it.
      const changes = tx.published;
      if (changes.length) for (const listener of this.listeners) queueMicrotask(() => listener(changes));
      return result;
    });
  }

  replaceInode(expected: Attr, next: Attr, changes: readonly Change[]): Promise<boolean> {
    return this.txn(async (tx) => {
      const held = await tx.getInode(expected.ino);
      if (!held || !sameAttr(held, expected)) return false;
      await tx.putInode(next);
      if (changes.length) await tx.publishChanges!(changes);
      return true;
    });
  }

  /** In-process: every engine opened on this URL delivers to every subscriber. */
  async subscribeChanges(listener: ChangeListener): Promise<ChangeSubscription> {
    const own: ChangeListener = (changes) => listener(changes);
    this.listeners.add(own);
    return { close: async () => void this.listeners.delete(own) };
  }
  read<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T> {
    // Through the queue too: a transaction changes the maps in place until it commits.
    return this.queue.run(() => fn(new MemoryTx(this.s, new UndoLog())));
  }

  async incrCounter(name: CounterName, n: number) {
    const value = (this.s.counters.get(name) ?? 0) + n;
    this.s.counters.set(name, value);
    return value;
  }
  async getCounter(name: CounterName) {
    return this.s.counters.get(name) ?? 0;
  }

  async pendingSlices(limit: number, after = 0) {
    return this.scans.pendingSlices(limit, after);
  }
  async finishPendingSlices(ids: readonly SliceId[]) {
    await this.queue.run(async () => {
      for (const id of ids) {
        const p = this.s.pending.get(id);
        if (!p) continue;
        this.s.pending.delete(id);
        this.s.sliceData.delete(id);
        this.s.counters.set('storedSlices', (this.s.counters.get('storedSlices') ?? 0) - 1);
        this.s.counters.set('storedBytes', (this.s.counters.get('storedBytes') ?? 0) - p.size);
      }
    });
  }

  async putSession(session: SessionInfo) {
    this.s.sessions.set(session.id, { ...session });
  }
  async renewSession(session: SessionInfo, now: number) {
    const stored = this.s.sessions.get(session.id);
    if (!stored || stored.expires < now) return false;
    this.s.sessions.set(session.id, { ...session });
    return true;
  }
  async fenceSession(id: SessionId, at: number) {
    const stored = this.s.sessions.get(id);
    if (!stored) return true;
    if (stored.expires >= at) return false;
    this.s.sessions.set(id, { ...stored, expires: 0 });
    return true;
  }
  async listSessions() {
    return [...this.s.sessions.values()].map((x) => ({ ...x }));
  }
  async deleteSession(id: SessionId) {
    this.s.sessions.delete(id);
    this.s.sustained.delete(id);
    for (const byInode of this.s.locks.values()) byInode.delete(id);
  }
  async listSustained(session: SessionId): Promise<Ino[]> {
    return [...(this.s.sustained.get(session)?.keys() ?? [])];
  }
  async listDetached() {
    return [...this.s.detached.values()].map((d) => ({ ...d }));
  }

  scanInodes(after: number, limit: number) {
    return this.queue.run(() => this.scans.scanInodes(after, limit));
  }
  scanEdges(after: { parent: Ino; name: Buffer } | undefined, limit: number) {
    return this.queue.run(() => this.scans.scanEdges(after, limit));
  }
  scanSlices(after: number, limit: number) {
    return this.queue.run(() => this.scans.scanSlices(after, limit));
  }
  scanSliceData(after: number, limit: number) {
    return this.queue.run(() => this.scans.scanSliceData(after, limit));
  }
  scanChunkRecords(after: ChunkRecordCursor | undefined, limit: number) {
    return this.queue.run(() => this.scans.scanChunkRecords(after, limit));
  }
  /** Transactions wait while `fn` runs: the state it reads is one instant. */
  scanSymlinks(after: number, limit: number) {
    return this.queue.run(() => this.scans.scanSymlinks(after, limit));
  }
  scanXattrs(after: { ino: Ino; name: string } | undefined, limit: number) {
    return this.queue.run(() => this.scans.scanXattrs(after, limit));
  }
  snapshot<T>(fn: (view: VolumeView) => Promise<T>): Promise<T> {
    return this.queue.run(() => fn(this.scans));
  }

  async totals(): Promise<VolumeTotals> {
    let fileBytes = 0;
    for (const a of this.s.inodes.values()) if (a.type === 'file') fileBytes += a.length;
    let sliceBytes = 0;
    for (const s of this.s.slices.values()) sliceBytes += s.size;
    let inlineBytes = 0;
    for (const data of this.s.sliceData.values()) inlineBytes += data.length;
    return {
      inodes: this.s.inodes.size,
      fileBytes,
      slices: this.s.slices.size,
      sliceBytes,
      pendingSlices: this.s.pending.size,
      inlineSlices: this.s.sliceData.size,
      inlineBytes,
    };
  }
  async stats() {
    return { storageBytes: 0, description: `in-process memory volume ${this.url}` };
  }
  async close() {}
}
