import type { Engine, EngineTx } from '../engine.js';
import { type Attr, CHUNK_SIZE, type Ino, type SliceId } from '../types.js';

/** du-like totals of a file or tree (logical: clones count fully). */
export interface TreeSummary {
  /** Sum of file lengths. */
  size: number;
  /** Non-directories (files, symlinks, special files). */
  files: number;
  dirs: number;
}

/** Where a file's or tree's bytes live: shared with other files, or exclusive (freed by deleting it). */
export interface SpaceInfo extends TreeSummary {
  /** Bytes of slices that something outside also references. */
  sharedBytes: number;
  /** Bytes of slices only this file or tree references: what deleting it would free. */
  exclusiveBytes: number;
}

/** Calls `visit` for every inode of the tree rooted at `root` (hard-linked files once per name). */
async function walkTree(engine: Engine, root: Attr, visit: (tx: EngineTx, attr: Attr) => Promise<void>): Promise<void> {
  let frontier: Attr[] = [root];
  while (frontier.length) {
    const next: Attr[] = [];
    await engine.read(async (tx) => {
      for (const attr of frontier) {
        await visit(tx, attr);
        if (attr.type !== 'dir') continue;
        for (let after: Buffer | undefined, more = true; more; ) {
          const edges = await tx.listEdges(attr.ino, after, 5000);
          for (const e of edges) {
            const child = await tx.getInode(e.ino);
            if (child) next.push(child);
          }
          after = edges[edges.length - 1]?.name;
          more = edges.length === 5000;
        }
      }
    });
    frontier = next;
  }
}

/**
 * Size, files and directories of a tree: in a few set-based reads where the engine offers them
 * (a recursive query on SQL, batched level by level on Redis), else by walking it.
 */
export async function summarize(engine: Engine, root: Attr): Promise<TreeSummary> {
  if (root.type === 'dir') {
    const below = await engine.read(async (tx): Promise<TreeSummary | undefined> => (tx.summarizeSubtree ? tx.summarizeSubtree(root.ino) : undefined));
    if (below) return { ...below, dirs: below.dirs + 1 };
  }
  return walkSummary(engine, root);
}

/** The summary by walking the tree (engines without `summarizeSubtree`, and a file). */
export async function walkSummary(engine: Engine, root: Attr): Promise<TreeSummary> {
  const s: TreeSummary = { size: 0, files: 0, dirs: 0 };
  await walkTree(engine, root, async (_tx, a) => {
    if (a.type === 'dir') s.dirs++;
    else s.files++;
    if (a.type === 'file') s.size += a.length;
  });
  return s;
}

/** Summary plus shared and exclusive bytes, from each slice's references inside and in total. */
export async function spaceInfo(engine: Engine, root: Attr): Promise<SpaceInfo> {
  const summary: TreeSummary = { size: 0, files: 0, dirs: 0 };
  const inside = new Map<SliceId, number>();
  const seen = new Set<Ino>();
  await walkTree(engine, root, async (tx, a) => {
    if (a.type === 'dir') summary.dirs++;
    else summary.files++;
    if (a.type !== 'file') return;
    summary.size += a.length;
    if (seen.has(a.ino)) return;
    seen.add(a.ino);
    for (let index = 0; index * CHUNK_SIZE < a.length; index++) {
      for (const r of await tx.getChunk(a.ino, index)) if (r.id !== 0) inside.set(r.id, (inside.get(r.id) ?? 0) + 1);
    }
  });
  const slices = await engine.read((tx) => tx.getSlices([...inside.keys()]));
  let sharedBytes = 0;
  let exclusiveBytes = 0;
  for (const [id, n] of inside) {
    const slice = slices.get(id);
    if (!slice) continue;
    if (slice.refs > n) sharedBytes += slice.size;
    else exclusiveBytes += slice.size;
  }
  return { ...summary, sharedBytes, exclusiveBytes };
}
