import type { CloneAttrs, CloneBatch, CloneUnit } from '../../clone/clone-spec.js';
import { clonedAttr } from '../../clone/cloned-attr.js';
import type { Edge, Ino, SliceId } from '../../types.js';
import { asArray, asBuffer, asNumber, packAttr, packRecords, pairs, unpackAttr, unpackEntry, unpackRecords } from './codec.js';
import type { CommandBuffer } from './command-buffer.js';
import type { EngineTx } from '../../engine.js';
import type { KeyLayout } from './key-layout.js';
import type { KeyReader } from './key-reader.js';
import type { RedisArg } from './redis-like.js';
import { READ_HASHES, WRITE_HASHES } from './scripts.js';
import { nameKey, type TxOverlay } from './tx-overlay.js';

/** What the set-based clone needs of a Redis transaction, beyond the engine primitives. */
export interface CloneTx extends EngineTx {
  readonly reader: KeyReader;
  readonly keys: KeyLayout;
  readonly overlay: TxOverlay;
  /** The transaction's buffered writes. */
  readonly buffer: CommandBuffer;
  /** Inserts many entries of one directory. */
  putEdges(parent: Ino, edges: readonly Edge[]): void;
}

/** Units whose entries are listed at once, at most (the window starts at one and doubles while units are small). */
const MAX_LIST_WINDOW = 64;
/**
 * Entries one transaction clones at most, whatever the caller's budget: each source file's chunk
 * key is WATCHed, and Redis (7.0) checks every new WATCH against the connection's watched keys
 * one by one, so a transaction's WATCH cost grows with the square of its keys.
 */
const MAX_ENTRIES = 1000;
/** Directories whose entries one round trip of countSubtree reads. */
const COUNT_WINDOW = 1000;

/**
 * Up to `budget` entries of the units, in order, and how far each unit got (as the generic clone
 * does). Small directories are listed several at once; a window that uses up the budget stops
 * the doubling, so a big directory is never listed beyond what the batch can take many times over.
 */
async function listUnits(tx: CloneTx, units: readonly CloneUnit[], budget: number) {
  const listed: Array<{ unit: CloneUnit; edges: Edge[] }> = [];
  const progress: CloneBatch['progress'] = [];
  for (let at = 0, window = 1; at < units.length; at += window, window = Math.min(window * 2, MAX_LIST_WINDOW)) {
    const part = units.slice(at, at + window);
    const pages = budget > 0 ? await Promise.all(part.map((u) => tx.listEdges(u.src, u.after, budget))) : [];
    part.forEach((unit, i) => {
      if (budget <= 0) return void progress.push({ done: false, last: unit.after });
      const edges = pages[i]!.slice(0, budget);
      budget -= edges.length;
      listed.push({ unit, edges });
      progress.push(budget > 0 ? { done: true } : { done: false, last: edges[edges.length - 1]?.name ?? unit.after });
    });
  }
  return { listed, progress };
}

/**
 * The set-based clone of directory entries on Redis. After listing, one pipelined round trip
 * reserves the inode numbers and reads every source with multi-key commands (inodes by MGET,
 * xattr and chunk hashes by one read-only script); the writes go out in the transaction's single
 * MULTI … EXEC, again as multi-key commands. Only each file's chunk hash is WATCHed: any change
 * of its records rewrites that hash, so the copy is a committed version of every file and its
 * references can never point at a slice dropped meanwhile; a change of attributes alone may or
 * may not show in the copy, as DESIGN §3.5 allows.
 */
export async function cloneEntriesRedis(
  tx: CloneTx,
  units: readonly CloneUnit[],
  spec: { budget: number; attrs: CloneAttrs },
): Promise<CloneBatch> {
  const { listed, progress } = await listUnits(tx, units, Math.min(spec.budget, MAX_ENTRIES));
  const batch: CloneBatch = { entries: 0, bytes: 0, dirs: [], progress };
  const entries = listed.flatMap(({ unit, edges }) => edges.map((edge) => ({ unit, edge })));
  if (!entries.length) return batch;
  const k = tx.keys;
  const files = entries.filter((e) => e.edge.type === 'file');
  const links = entries.filter((e) => e.edge.type === 'symlink');
  const parents = [...new Set(listed.filter((l) => l.edges.some((e) => e.type === 'dir')).map((l) => l.unit.dst))];
  const hashKeys = [...entries.map((e) => k.xattrs(e.edge.ino)), ...files.map((e) => k.chunks(e.edge.ino))];
  const [end, inodes, misc, hashes] = await tx.reader.readMany(
    files.map((e) => k.chunks(e.edge.ino)),
    [
      ['INCRBY', k.counter('nextInode'), String(entries.length)],
      ['MGET', ...entries.map((e) => k.inode(e.edge.ino))],
      ['MGET', k.setting, ...parents.map((p) => k.inode(p)), ...links.map((e) => k.symlink(e.edge.ino))],
      ['EVAL', READ_HASHES.source, String(hashKeys.length), ...hashKeys],
    ],
  );
  const [inodeReplies, miscReplies, hashReplies] = [asArray(inodes), asArray(misc), asArray(hashes)];
  const attrOf = (ino: Ino, reply: unknown) => {
    const known = tx.overlay.inodes.get(ino);
    if (known !== undefined) return known ?? undefined;
    const b = asBuffer(reply);
    return b ? unpackAttr(ino, b) : undefined;
  };
  const fileAt = new Map(files.map((e, i) => [e, i]));
  const linkAt = new Map(links.map((e, i) => [e, i]));
  const inodeWrites: RedisArg[] = [];
  const symlinkWrites: RedisArg[] = [];
  const hashWrites = { keys: [] as string[], args: [] as RedisArg[] };
  const refs: SliceId[] = [];
  const subdirs = new Map<Ino, number>();
  const byParent = new Map<Ino, Edge[]>();
  let next = asNumber(end) - entries.length + 1;
  for (const [i, entry] of entries.entries()) {
    const { unit, edge } = entry;
    const ino = next++ as Ino;
    const src = attrOf(edge.ino, inodeReplies[i]);
    if (!src) continue; // removed since the listing
    const attr = clonedAttr(src, { ino, parent: unit.dst }, spec.attrs);
    inodeWrites.push(k.inode(ino), packAttr(attr));
    tx.overlay.inodes.set(ino, attr);
    const xattrs = mergedXattrs(tx, src.ino, hashReplies[i]);
    if (xattrs.length) {
      hashWrites.keys.push(k.xattrs(ino));
      hashWrites.args.push(String(xattrs.length), ...xattrs.flat());
      for (const [name, value] of xattrs) tx.overlay.setXattr(ino, name, value);
    }
    if (src.type === 'symlink' && linkAt.has(entry)) {
      const known = tx.overlay.symlinks.get(src.ino);
      const target = known !== undefined ? known : asBuffer(miscReplies[1 + parents.length + linkAt.get(entry)!]);
      if (target) symlinkWrites.push(k.symlink(ino), target);
      tx.overlay.symlinks.set(ino, target);
    }
    if (src.type === 'file' && fileAt.has(entry)) {
      const server = new Map(pairs(hashReplies[entries.length + fileAt.get(entry)!]).map(([index, packed]) => [Number(index.toString()), unpackRecords(packed)]));
      const chunks = tx.overlay.chunks(src.ino).resolveAll(server);
      if (chunks.size) {
        hashWrites.keys.push(k.chunks(ino));
        hashWrites.args.push(String(chunks.size), ...[...chunks].flatMap(([index, records]) => [String(index), packRecords(records)]));
      }
      tx.overlay.chunks(ino).replaceAll(chunks);
      for (const records of chunks.values()) for (const r of records) refs.push(r.id);
      batch.bytes += src.length;
    }
    if (src.type === 'dir') {
      subdirs.set(unit.dst, (subdirs.get(unit.dst) ?? 0) + 1);
      batch.dirs.push({ src: src.ino, dst: ino });
    }
    const list = byParent.get(unit.dst) ?? [];
    list.push({ name: edge.name, ino, type: attr.type });
    byParent.set(unit.dst, list);
    batch.entries++;
  }
  if (inodeWrites.length) tx.buffer.add('MSET', ...inodeWrites);
  if (symlinkWrites.length) tx.buffer.add('MSET', ...symlinkWrites);
  if (hashWrites.keys.length) tx.buffer.script(WRITE_HASHES, hashWrites);
  for (const [parent, edges] of byParent) tx.putEdges(parent, edges);
  await tx.addSliceRefs(refs);
  await tx.addCounter('inodes', batch.entries);
  await tx.addCounter('usedBytes', batch.bytes);
  for (const [i, parent] of parents.entries()) {
    const dir = attrOf(parent, miscReplies[1 + i]);
    if (dir && subdirs.get(parent)) await tx.putInode({ ...dir, nlink: dir.nlink + subdirs.get(parent)! });
  }
  return batch;
}

/** An inode's xattrs as the transaction sees them: the server's (a HGETALL reply) with its changes. */
function mergedXattrs(tx: CloneTx, ino: Ino, reply: unknown): Array<[string, Buffer]> {
  const server = new Map(pairs(reply).map(([name, value]) => [name.toString(), value]));
  const out: Array<[string, Buffer]> = [];
  for (const name of tx.overlay.mergeXattrNames(ino, [...server.keys()])) {
    const known = tx.overlay.xattr(ino, name);
    const value = known !== undefined ? known : server.get(name);
    if (value) out.push([name, value]);
  }
  return out;
}

/** Entries below a directory, counted level by level: one round trip per level of the tree. */
export async function countSubtreeRedis(tx: CloneTx, ino: Ino): Promise<number> {
  let count = 0;
  let frontier: Ino[] = [ino];
  while (frontier.length) {
    const next: Ino[] = [];
    for (let at = 0; at < frontier.length; at += COUNT_WINDOW) {
      const dirs = frontier.slice(at, at + COUNT_WINDOW);
      const keys = dirs.map((d) => tx.keys.entries(d));
      const replies = await tx.reader.readMany(keys, keys.map((key) => ['HGETALL', key]));
      dirs.forEach((dir, i) => {
        const entries = new Map(pairs(replies[i]).map(([name, value]) => [nameKey(name), unpackEntry(name, value)]));
        for (const [key, edge] of tx.overlay.edges.get(dir) ?? []) {
          if (edge) entries.set(key, edge);
          else entries.delete(key);
        }
        count += entries.size;
        for (const e of entries.values()) if (e.type === 'dir') next.push(e.ino);
      });
    }
    frontier = next;
  }
  return count;
}
