import type { Attr, CounterName, Edge, Ino, LockRecord, SessionId } from '../../types.js';
import { ChunkOverlay } from './chunk-overlay.js';
import { SliceOverlay } from './slice-overlay.js';

/** A name as a map key whose string order is the byte order (latin1 maps bytes 1:1 to code units). */
export const nameKey = (name: Buffer) => name.toString('latin1');

/** An inode's extended attributes as changed by a transaction. */
interface XattrChanges {
  /** deleteInode removed them all before the changes below. */
  cleared: boolean;
  values: Map<string, Buffer | null>;
}

const inner = <K, K2, V>(map: Map<K, Map<K2, V>>, key: K) => {
  let m = map.get(key);
  if (!m) map.set(key, (m = new Map()));
  return m;
};

/**
 * What a transaction has written so far (null = deleted), so that its reads see its own
 * writes before they reach the server at EXEC.
 */
export class TxOverlay {
  readonly inodes = new Map<Ino, Attr | null>();
  readonly symlinks = new Map<Ino, Buffer | null>();
  readonly edges = new Map<Ino, Map<string, Edge | null>>();
  readonly locks = new Map<Ino, Map<SessionId, LockRecord[] | null>>();
  /** What addCounter added so far, per counter. */
  readonly counterDeltas = new Map<CounterName, number>();
  readonly slices = new SliceOverlay();
  private readonly xattrs = new Map<Ino, XattrChanges>();
  private readonly chunkViews = new Map<Ino, ChunkOverlay>();

  /** The transaction's view of an inode's chunks. */
  chunks(ino: Ino): ChunkOverlay {
    let c = this.chunkViews.get(ino);
    if (!c) this.chunkViews.set(ino, (c = new ChunkOverlay()));
    return c;
  }

  setEdge(parent: Ino, name: Buffer, edge: Edge | null): void {
    inner(this.edges, parent).set(nameKey(name), edge && { ...edge, name: Buffer.from(edge.name) });
  }

  /**
   * Merges a page of server entries (names after `after`, at most `limit + deletions` of them)
   * with this transaction's changes to the directory; returns the first `limit` in byte order.
   */
  mergeEdges(parent: Ino, page: { server: Edge[]; after: Buffer | undefined; limit: number }): Edge[] {
    const changes = this.edges.get(parent);
    if (!changes) return page.server.slice(0, page.limit);
    const from = page.after && nameKey(page.after);
    const merged = new Map(page.server.map((e) => [nameKey(e.name), e]));
    for (const [key, edge] of changes) {
      if (from !== undefined && key <= from) continue;
      if (edge) merged.set(key, { ...edge, name: Buffer.from(edge.name) });
      else merged.delete(key);
    }
    return [...merged.keys()].sort().slice(0, page.limit).map((k) => merged.get(k)!);
  }

  /** How many deletions the transaction made in a directory (how much further a server page must reach). */
  deletedEdges(parent: Ino): number {
    let n = 0;
    for (const e of this.edges.get(parent)?.values() ?? []) if (!e) n++;
    return n;
  }

  /** An xattr's value: a Buffer, null if deleted, undefined if the server decides. */
  xattr(ino: Ino, name: string): Buffer | null | undefined {
    const x = this.xattrs.get(ino);
    if (!x) return undefined;
    const v = x.values.get(name);
    return v !== undefined ? v : x.cleared ? null : undefined;
  }
  setXattr(ino: Ino, name: string, value: Buffer | null): void {
    let x = this.xattrs.get(ino);
    if (!x) this.xattrs.set(ino, (x = { cleared: false, values: new Map() }));
    x.values.set(name, value && Buffer.from(value));
  }
  clearXattrs(ino: Ino): void {
    this.xattrs.set(ino, { cleared: true, values: new Map() });
  }
  /** True when the server's xattr names no longer matter (deleteInode ran). */
  xattrsCleared(ino: Ino): boolean {
    return this.xattrs.get(ino)?.cleared ?? false;
  }
  /** Merges the server's xattr names with the transaction's changes, sorted. */
  mergeXattrNames(ino: Ino, server: string[]): string[] {
    const x = this.xattrs.get(ino);
    const names = new Set(x?.cleared ? [] : server);
    for (const [name, v] of x?.values ?? []) {
      if (v) names.add(name);
      else names.delete(name);
    }
    return [...names].sort();
  }
}
