import type { Engine } from '../engine.js';
import type { Attr, Edge, Ino, SliceId } from '../types.js';

const PAGE = 10_000;

/** Everything fsck compares, read from the engine page by page. */
export interface VolumeScan {
  inodes: Map<Ino, Attr>;
  edges: Array<{ parent: Ino; edge: Edge }>;
  slices: Map<SliceId, { size: number; refs: number }>;
  references: { counts: Map<SliceId, number>; owners: Set<Ino> };
  pending: Set<SliceId>;
}

/** Reads the whole volume's metadata (not isolated: run it on a quiet volume for exact results). */
export async function scanVolume(engine: Engine, onProgress?: (phase: string, n: number) => void): Promise<VolumeScan> {
  const inodes = new Map<Ino, Attr>();
  for (let after = 0, page: Attr[]; (page = await engine.scanInodes(after, PAGE)).length; after = page[page.length - 1]!.ino) {
    for (const a of page) inodes.set(a.ino, a);
    onProgress?.('inodes', inodes.size);
  }
  const edges: VolumeScan['edges'] = [];
  for (let after: { parent: Ino; name: Buffer } | undefined, page; (page = await engine.scanEdges(after, PAGE)).length; ) {
    edges.push(...page);
    const last = page[page.length - 1]!;
    after = { parent: last.parent, name: last.edge.name };
    onProgress?.('entries', edges.length);
  }
  const slices = new Map<SliceId, { size: number; refs: number }>();
  for (let after = 0, page; (page = await engine.scanSlices(after, PAGE)).length; after = page[page.length - 1]!.id) {
    for (const s of page) slices.set(s.id, { size: s.size, refs: s.refs });
    onProgress?.('slices', slices.size);
  }
  const references = await engine.chunkReferences();
  const pending = new Set((await engine.pendingSlices(Number.MAX_SAFE_INTEGER)).map((p) => p.id));
  return { inodes, edges, slices, references, pending };
}
