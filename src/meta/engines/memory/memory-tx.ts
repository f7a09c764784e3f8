import type { Change } from '../../change.js';
import type { EngineTx } from '../../engine.js';
import type { Attr, CounterName, DetachedNode, DirQuota, Edge, Ino, LockRecord, SessionId, SliceId, SliceRecord } from '../../types.js';
import { copyAttr } from '../../types.js';
import type { MemoryState } from './memory-state.js';
import type { UndoLog } from './undo-log.js';

const key = (name: Buffer) => name.toString('latin1');

/** The engine primitives on plain maps; every change goes through the undo log. */
export class MemoryTx implements EngineTx {
  /** What the transaction published, for the engine to deliver once it commits. */
  readonly published: Change[] = [];

  constructor(
    private readonly s: MemoryState,
    private readonly undo: UndoLog,
  ) {}

  async publishChanges(changes: readonly Change[]) {
    this.published.push(...changes);
  }

  async getInode(ino: Ino) {
    const a = this.s.inodes.get(ino);
    return a && copyAttr(a);
  }
  async putInode(attr: Attr) {
    this.undo.set(this.s.inodes, attr.ino, copyAttr(attr));
  }
  async deleteInode(ino: Ino) {
    this.undo.set(this.s.inodes, ino, undefined);
    this.undo.set(this.s.symlinks, ino, undefined);
    this.undo.set(this.s.xattrs, ino, undefined);
  }

  async getEdge(parent: Ino, name: Buffer) {
    const e = this.s.edges.get(parent)?.get(key(name));
    return e && { ...e };
  }
  async putEdge(parent: Ino, edge: Edge) {
    this.undo.set(this.undo.inner(this.s.edges, parent), key(edge.name), { ...edge, name: Buffer.from(edge.name) });
  }
  async deleteEdge(parent: Ino, name: Buffer) {
    const dir = this.s.edges.get(parent);
    if (dir) this.undo.set(dir, key(name), undefined);
  }
  async listEdges(parent: Ino, after: Buffer | undefined, limit: number) {
    const dir = this.s.edges.get(parent);
    if (!dir) return [];
    const from = after === undefined ? undefined : key(after);
    const names = [...dir.keys()].filter((n) => from === undefined || n > from).sort();
    return names.slice(0, limit).map((n) => ({ ...dir.get(n)! }));
  }

  async getSymlink(ino: Ino) {
    return this.s.symlinks.get(ino);
  }
  async putSymlink(ino: Ino, target: Buffer) {
    this.undo.set(this.s.symlinks, ino, Buffer.from(target));
  }

  async getXattr(ino: Ino, name: string) {
    return this.s.xattrs.get(ino)?.get(name);
  }
  async putXattr(ino: Ino, name: string, value: Buffer) {
    this.undo.set(this.undo.inner(this.s.xattrs, ino), name, Buffer.from(value));
  }
  async deleteXattr(ino: Ino, name: string) {
    const m = this.s.xattrs.get(ino);
    if (m) this.undo.set(m, name, undefined);
  }
  async listXattrs(ino: Ino) {
    return [...(this.s.xattrs.get(ino)?.keys() ?? [])].sort();
  }

  async getChunk(ino: Ino, index: number) {
    return (this.s.chunks.get(ino)?.get(index) ?? []).map((r) => ({ ...r }));
  }
  async appendChunk(ino: Ino, index: number, records: readonly SliceRecord[]) {
    const chunks = this.undo.inner(this.s.chunks, ino);
    this.undo.set(chunks, index, [...(chunks.get(index) ?? []), ...records.map((r) => ({ ...r }))]);
  }
  async setChunk(ino: Ino, index: number, records: readonly SliceRecord[]) {
    const chunks = this.undo.inner(this.s.chunks, ino);
    this.undo.set(chunks, index, records.length ? records.map((r) => ({ ...r })) : undefined);
  }
  async deleteChunks(ino: Ino, fromIndex: number) {
    const chunks = this.s.chunks.get(ino);
    if (!chunks) return;
    for (const [index, records] of [...chunks]) {
      if (index < fromIndex) continue;
      await this.dropSliceRefs(records.map((r) => r.id));
      this.undo.set(chunks, index, undefined);
    }
  }
  async copyChunks(src: Ino, dst: Ino) {
    const chunks = this.s.chunks.get(src);
    if (!chunks) return;
    const target = this.undo.inner(this.s.chunks, dst);
    for (const [index, records] of chunks) {
      this.undo.set(target, index, records);
      await this.addSliceRefs(records.map((r) => r.id));
    }
  }

  async createSlice(id: SliceId, size: number) {
    this.undo.set(this.s.slices, id, { size, refs: 1 });
  }
  async putSliceData(id: SliceId, data: Uint8Array) {
    this.undo.set(this.s.sliceData, id, Buffer.from(data));
  }
  async getSliceData(ids: readonly SliceId[]) {
    const out = new Map<SliceId, Buffer>();
    for (const id of ids) {
      const data = this.s.sliceData.get(id);
      if (data) out.set(id, Buffer.from(data));
    }
    return out;
  }
  async addSliceRefs(ids: readonly SliceId[]) {
    for (const id of ids) {
      const slice = this.s.slices.get(id);
      if (id !== 0 && slice) this.undo.set(this.s.slices, id, { ...slice, refs: slice.refs + 1 });
    }
  }
  async dropSliceRefs(ids: readonly SliceId[]) {
    for (const id of ids) {
      const slice = this.s.slices.get(id);
      if (id === 0 || !slice) continue;
      if (slice.refs > 1) {
        this.undo.set(this.s.slices, id, { ...slice, refs: slice.refs - 1 });
      } else {
        this.undo.set(this.s.slices, id, undefined);
        this.undo.set(this.s.pending, id, { id, size: slice.size });
      }
    }
  }

  async getCounter(name: CounterName) {
    return this.s.counters.get(name) ?? 0;
  }
  async addCounter(name: CounterName, delta: number) {
    this.undo.set(this.s.counters, name, (this.s.counters.get(name) ?? 0) + delta);
  }

  async listQuotas() {
    return [...this.s.quotas.values()].sort((a, b) => a.ino - b.ino).map((q) => ({ ...q }));
  }
  async putQuota(quota: DirQuota) {
    this.undo.set(this.s.quotas, quota.ino, { ...quota });
  }
  async deleteQuota(ino: Ino) {
    this.undo.set(this.s.quotas, ino, undefined);
  }
  async addQuotaUsage(ino: Ino, delta: { bytes: number; inodes: number }) {
    const q = this.s.quotas.get(ino);
    if (q) this.undo.set(this.s.quotas, ino, { ...q, usedBytes: q.usedBytes + delta.bytes, usedInodes: q.usedInodes + delta.inodes });
  }

  async putDetached(node: DetachedNode) {
    this.undo.set(this.s.detached, node.ino, { ...node });
  }
  async deleteDetached(ino: Ino) {
    this.undo.set(this.s.detached, ino, undefined);
  }
  async getDetached(ino: Ino) {
    const node = this.s.detached.get(ino);
    return node && { ...node };
  }

  async putSustained(session: SessionId, ino: Ino) {
    this.undo.set(this.undo.inner(this.s.sustained, session), ino, true);
  }
  async openSessions(ino: Ino) {
    return [...this.s.sustained].filter(([, inos]) => inos.has(ino)).map(([session]) => session);
  }
  async deleteSustained(session: SessionId, ino: Ino) {
    const m = this.s.sustained.get(session);
    if (m) this.undo.set(m, ino, undefined);
  }

  async getSlices(ids: readonly SliceId[]) {
    const out = new Map<SliceId, { size: number; refs: number }>();
    for (const id of ids) {
      const slice = this.s.slices.get(id);
      if (slice) out.set(id, { ...slice });
    }
    return out;
  }

  async getLocks(ino: Ino) {
    const m = this.s.locks.get(ino);
    return new Map([...(m ?? [])].map(([k, v]) => [k, v.map((l) => ({ ...l }))]));
  }
  async setLocks(ino: Ino, session: SessionId, locks: readonly LockRecord[]) {
    this.undo.set(this.undo.inner(this.s.locks, ino), session, locks.length ? locks.map((l) => ({ ...l })) : undefined);
  }
}
