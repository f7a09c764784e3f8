import type { Engine } from '../engine.js';
import { destroyInode } from '../ops/inode-records.js';
import { type Ino, ROOT_INO, type SliceId } from '../types.js';
import { findMalformedRecords } from './chunk-records.js';
import { scanVolume, type VolumeScan } from './scan-volume.js';

/** One inconsistency fsck found, and whether --repair fixed it. */
export interface FsckProblem {
  kind:
    | 'slice-refs' | 'slice-missing' | 'slice-unreferenced' | 'edge-dangling' | 'inode-orphan' | 'nlink'
    | 'counter' | 'chunks-orphan' | 'queue-conflict' | 'object-missing' | 'chunk-malformed';
  detail: string;
  repaired: boolean;
}

/** What fsck reports: counts of what it checked and every problem. */
export interface FsckReport {
  inodes: number;
  entries: number;
  slices: number;
  problems: FsckProblem[];
}

/** Inodes reachable from the root or a detached root, plus those kept by live sessions. */
async function liveInodes(engine: Engine, scan: VolumeScan): Promise<Set<Ino>> {
  const children = new Map<Ino, Ino[]>();
  for (const { parent, edge } of scan.edges) {
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(edge.ino);
  }
  const live = new Set<Ino>();
  const roots: Ino[] = [ROOT_INO, ...(await engine.listDetached()).map((d) => d.ino)];
  const now = Date.now();
  for (const s of await engine.listSessions()) if (s.expires >= now) for (const ino of await engine.listSustained(s.id)) roots.push(ino);
  const stack = roots.filter((r) => scan.inodes.has(r));
  while (stack.length) {
    const ino = stack.pop()!;
    if (live.has(ino)) continue;
    live.add(ino);
    for (const child of children.get(ino) ?? []) if (scan.inodes.has(child)) stack.push(child);
  }
  return live;
}

/**
 * Checks a volume's metadata: slice reference counts against the chunk records, entries
 * pointing at missing inodes, inodes nothing reaches, link counts, and the usage counters.
 * With `repair`, fixes what can be fixed without losing data.
 */
export async function fsck(engine: Engine, options: { repair?: boolean; onProgress?: (phase: string, n: number) => void } = {}): Promise<FsckReport> {
  const repair = options.repair ?? false;
  const scan = await scanVolume(engine, options.onProgress);
  const problems: FsckProblem[] = [];
  const report = (kind: FsckProblem['kind'], detail: string, repaired = false) => problems.push({ kind, detail, repaired });

  // Entries to missing inodes.
  const edges = scan.edges.filter(({ parent, edge }) => {
    if (scan.inodes.has(edge.ino) && scan.inodes.has(parent)) return true;
    report('edge-dangling', `entry '${edge.name.toString()}' in ${parent} points at missing inode ${edge.ino}`, repair);
    return false;
  });
  if (repair) {
    for (const { parent, edge } of scan.edges.filter((e) => !edges.includes(e))) await engine.txn((tx) => tx.deleteEdge(parent, edge.name));
  }

  // Inodes nothing reaches.
  const live = await liveInodes(engine, { ...scan, edges });
  for (const [ino, attr] of scan.inodes) {
    if (live.has(ino)) continue;
    report('inode-orphan', `inode ${ino} (${attr.type}) is reachable from nowhere`, repair);
    if (repair) {
      await engine.txn(async (tx) => {
        const a = await tx.getInode(ino);
        if (a) await destroyInode(tx, a);
      });
      scan.inodes.delete(ino);
    }
  }

  // Link counts.
  const links = new Map<Ino, number>();
  const subdirs = new Map<Ino, number>();
  for (const { parent, edge } of edges) {
    links.set(edge.ino, (links.get(edge.ino) ?? 0) + 1);
    if (edge.type === 'dir') subdirs.set(parent, (subdirs.get(parent) ?? 0) + 1);
  }
  for (const attr of scan.inodes.values()) {
    const expected = attr.type === 'dir' ? 2 + (subdirs.get(attr.ino) ?? 0) : (links.get(attr.ino) ?? 0);
    if (attr.nlink === expected || (attr.type !== 'dir' && expected === 0 && attr.nlink === 0)) continue;
    report('nlink', `inode ${attr.ino} has nlink ${attr.nlink}, expected ${expected}`, repair);
    if (repair) await engine.txn(async (tx) => void (await tx.putInode({ ...((await tx.getInode(attr.ino)) ?? attr), nlink: expected })));
  }

  // Slice references against chunk records.
  const { counts, owners } = scan.references;
  for (const ino of owners) {
    if (scan.inodes.has(ino)) continue;
    report('chunks-orphan', `chunk records of missing inode ${ino}`, repair);
    if (repair) await engine.txn((tx) => tx.deleteChunks(ino, 0));
  }
  const fixes: Array<{ id: SliceId; delta: number }> = [];
  for (const [id, slice] of scan.slices) {
    const expected = counts.get(id) ?? 0;
    if (expected === 0) report('slice-unreferenced', `slice ${id} has ${slice.refs} references but no chunk record uses it`, repair);
    else if (slice.refs !== expected) report('slice-refs', `slice ${id} counts ${slice.refs} references, chunk records hold ${expected}`, repair);
    if (slice.refs !== expected) fixes.push({ id, delta: expected - slice.refs });
    if (scan.pending.has(id)) report('queue-conflict', `slice ${id} is both live and queued for deletion`);
  }
  for (const [id, n] of counts) {
    if (!scan.slices.has(id)) report('slice-missing', `${n} chunk records use slice ${id}, which has no record${scan.pending.has(id) ? ' (queued for deletion: data lost)' : ''}`);
  }
  if (repair && fixes.length) {
    await engine.txn(async (tx) => {
      for (const { id, delta } of fixes) {
        const ids = Array<SliceId>(Math.abs(delta)).fill(id);
        if (delta > 0) await tx.addSliceRefs(ids);
        else await tx.dropSliceRefs(ids);
      }
    });
  }

  // Chunk records no operation should write (reported, never repaired: which bytes they meant is unknown).
  const malformed = await findMalformedRecords(engine, { files: scan.inodes.values(), sliceSize: (id) => scan.slices.get(id as SliceId)?.size });
  for (const m of malformed) {
    const r = m.record;
    report('chunk-malformed', `inode ${m.ino} chunk ${m.index} record {pos ${r.pos}, id ${r.id}, size ${r.size}, off ${r.off}, len ${r.len}}: ${m.why}`);
  }

  // Usage counters.
  const files = [...scan.inodes.values()];
  const usedBytes = files.reduce((sum, a) => sum + (a.type === 'file' ? a.length : 0), 0);
  for (const [name, actual] of [['usedBytes', usedBytes], ['inodes', scan.inodes.size]] as const) {
    const stored = await engine.getCounter(name);
    if (stored === actual) continue;
    report('counter', `counter ${name} is ${stored}, the files add up to ${actual}`, repair);
    if (repair) await engine.txn((tx) => tx.addCounter(name, actual - stored));
  }
  return { inodes: scan.inodes.size, entries: scan.edges.length, slices: scan.slices.size, problems };
}
