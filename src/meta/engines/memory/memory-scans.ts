import type { ChunkRecordCursor, ChunkRecordRow, SymlinkRow, VolumeView, XattrRow } from '../../engine.js';
import type { CounterName, Edge, Ino, SessionId } from '../../types.js';
import { copyAttr } from '../../types.js';
import type { MemoryState } from './memory-state.js';

const byId = (a: number, b: number) => a - b;

/** The whole-volume reads over a memory volume's state (the caller keeps transactions out meanwhile). */
export class MemoryScans implements VolumeView {
  constructor(private readonly s: MemoryState) {}

  async getCounter(name: CounterName) {
    return this.s.counters.get(name) ?? 0;
  }
  async pendingSlices(limit: number, after = 0) {
    return [...this.s.pending.values()].filter((p) => p.id > after).sort((a, b) => a.id - b.id).slice(0, limit).map((p) => ({ ...p }));
  }
  async listSessions() {
    return [...this.s.sessions.values()].map((x) => ({ ...x }));
  }
  async listSustained(session: SessionId): Promise<Ino[]> {
    return [...(this.s.sustained.get(session)?.keys() ?? [])];
  }
  async listDetached() {
    return [...this.s.detached.values()].map((d) => ({ ...d }));
  }
  async listQuotas() {
    return [...this.s.quotas.values()].sort((a, b) => a.ino - b.ino).map((q) => ({ ...q }));
  }
  async listEdges(parent: Ino, after: Buffer | undefined, limit: number): Promise<Edge[]> {
    const dir = this.s.edges.get(parent);
    if (!dir) return [];
    const from = after?.toString('latin1');
    return [...dir.keys()].filter((k) => from === undefined || k > from).sort().slice(0, limit).map((k) => ({ ...dir.get(k)! }));
  }

  async scanInodes(after: number, limit: number) {
    return [...this.s.inodes.values()].filter((a) => a.ino > after).sort((a, b) => a.ino - b.ino).slice(0, limit).map(copyAttr);
  }
  async scanEdges(after: { parent: Ino; name: Buffer } | undefined, limit: number) {
    const all: Array<{ parent: Ino; edge: Edge }> = [];
    for (const [parent, dir] of this.s.edges) for (const edge of dir.values()) all.push({ parent, edge: { ...edge } });
    const cmp = (a: { parent: Ino; edge: Edge }, b: { parent: Ino; name: Buffer }) => a.parent - b.parent || Buffer.compare(a.edge.name, b.name);
    return all
      .filter((e) => !after || cmp(e, after) > 0)
      .sort((a, b) => cmp(a, { parent: b.parent, name: b.edge.name }))
      .slice(0, limit);
  }
  async scanSlices(after: number, limit: number) {
    return [...this.s.slices].filter(([id]) => id > after).sort(([a], [b]) => a - b).slice(0, limit).map(([id, s]) => ({ id, ...s }));
  }
  async scanSliceData(after: number, limit: number) {
    return [...this.s.sliceData].filter(([id]) => id > after).sort(([a], [b]) => a - b).slice(0, limit).map(([id, data]) => ({ id, data: Buffer.from(data) }));
  }
  async scanChunkRecords(after: ChunkRecordCursor | undefined, limit: number): Promise<ChunkRecordRow[]> {
    const out: ChunkRecordRow[] = [];
    const a = after ?? { ino: -1, index: 0, seq: -1 };
    for (const ino of [...this.s.chunks.keys()].filter((i) => i >= a.ino).sort(byId)) {
      const chunks = this.s.chunks.get(ino)!;
      for (const index of [...chunks.keys()].sort(byId)) {
        chunks.get(index)!.forEach((record, seq) => {
          const later = ino > a.ino || index > a.index || (index === a.index && seq > a.seq);
          if (later && out.length < limit) out.push({ ino, index, seq, record: { ...record } });
        });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
  async scanSymlinks(after: number, limit: number): Promise<SymlinkRow[]> {
    return [...this.s.symlinks].filter(([ino]) => ino > after).sort(([a], [b]) => a - b).slice(0, limit).map(([ino, target]) => ({ ino, target: Buffer.from(target) }));
  }
  async scanXattrs(after: { ino: Ino; name: string } | undefined, limit: number): Promise<XattrRow[]> {
    const out: XattrRow[] = [];
    const a = after ?? { ino: -1, name: '' };
    for (const ino of [...this.s.xattrs.keys()].filter((i) => i >= a.ino).sort(byId)) {
      for (const [name, value] of [...this.s.xattrs.get(ino)!].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
        if ((ino > a.ino || name > a.name) && out.length < limit) out.push({ ino, name, value: Buffer.from(value) });
      }
      if (out.length >= limit) break;
    }
    return out;
  }
}
