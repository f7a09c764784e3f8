import { checkCloneReadable } from '../../clone/check-readable.js';
import { checkCloneOwner } from '../../clone/clone-owner.js';
import type { CloneBatch, CloneEntriesSpec, CloneUnit } from '../../clone/clone-spec.js';
import type { EngineTx } from '../../engine.js';
import type { Caller, Edge, Ino } from '../../types.js';
import { CLONE_LISTED } from './clone-listed-script.js';
import { cloneAttrArgs } from './clone-lua.js';
import { asBuffer, asNumber, pairs, unpackAttr, unpackEntry } from './codec.js';
import type { CommandBuffer } from './command-buffer.js';
import type { KeyLayout } from './key-layout.js';
import type { KeyReader } from './key-reader.js';
import type { RedisArg } from './redis-like.js';
import { nameKey, type TxOverlay } from './tx-overlay.js';

/** What the set-based clone needs of a Redis transaction, beyond the engine primitives. */
export interface CloneTx extends EngineTx {
  readonly reader: KeyReader;
  readonly keys: KeyLayout;
  readonly overlay: TxOverlay;
  /** The transaction's buffered writes. */
  readonly buffer: CommandBuffer;
}

/** Units whose entries are listed at once, at most (the window starts at one and doubles while units are small). */
const MAX_LIST_WINDOW = 64;
/** Entries one queued script copies at most (they all run in the one EXEC). */
const SCRIPT_ENTRIES = 1000;
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

/** Inodes one round trip of the read check reads. */
const CHECK_WINDOW = 1000;

/**
 * EACCES unless `caller` may read each listed unit's directory and each listed file and directory,
 * as the batch script checks on the server. The inodes are read with the transaction's reads, so
 * they are WATCHed: a chmod before EXEC aborts it, and the retry checks again.
 */
async function checkListedReadable(tx: CloneTx, listed: ReadonlyArray<{ unit: CloneUnit; edges: Edge[] }>, caller: Caller): Promise<void> {
  const inos = listed.flatMap(({ unit, edges }) => [unit.src, ...edges.filter((e) => e.type === 'dir' || e.type === 'file').map((e) => e.ino)]);
  for (let at = 0; at < inos.length; at += CHECK_WINDOW) {
    const part = inos.slice(at, at + CHECK_WINDOW);
    const keys = part.map((ino) => tx.keys.inode(ino));
    const replies = await tx.reader.readMany(keys, keys.map((key) => ['GET', key]));
    part.forEach((ino, i) => {
      const own = tx.overlay.inodes.get(ino);
      const b = own === undefined ? asBuffer(replies[i]) : null;
      const attr = own === undefined ? b && unpackAttr(ino, b) : own;
      if (attr) checkCloneReadable(caller, attr);
    });
  }
}

/**
 * The set-based clone of directory entries inside a transaction that already read or wrote (a
 * consistent clone's one transaction). The units are listed with the transaction's reads, so
 * their directories are WATCHed; the inode numbers are reserved at once; the copying itself
 * is queued in the MULTI as scripts (clone-listed-script.ts), so every source is copied as it
 * is at EXEC, without WATCHing each file. What the scripts will do is known beforehand: the
 * listed entries (a changed directory aborts EXEC) and their types. `bytes` stays 0: the
 * lengths are read on the server at EXEC, which also adds them to the usedBytes counter.
 */
export async function cloneEntriesQueued(
  tx: CloneTx,
  units: readonly CloneUnit[],
  spec: CloneEntriesSpec,
): Promise<CloneBatch> {
  await checkCloneOwner(tx, spec.owner);
  const { listed, progress } = await listUnits(tx, units, spec.budget);
  if (spec.readableBy) await checkListedReadable(tx, listed, spec.readableBy);
  const batch: CloneBatch = { entries: 0, bytes: 0, dirs: [], progress };
  const count = listed.reduce((n, l) => n + l.edges.length, 0);
  if (!count) return batch;
  const k = tx.keys;
  let next = asNumber(await tx.reader.send(['INCRBY', k.counter('nextInode'), String(count)])) - count + 1;
  const head = [k.prefix, '', ...cloneAttrArgs(spec.attrs)];
  const calls: RedisArg[][] = [];
  let args: RedisArg[] = [];
  let inCall = 0;
  for (const [i, { unit, edges }] of listed.entries()) {
    const whole = unit.after === undefined && progress[i]!.done && edges.length <= SCRIPT_ENTRIES;
    for (let at = 0; at < edges.length; at += SCRIPT_ENTRIES) {
      const part = edges.slice(at, at + SCRIPT_ENTRIES);
      if (inCall && inCall + part.length > SCRIPT_ENTRIES) {
        calls.push(args);
        args = [];
        inCall = 0;
      }
      args.push(String(unit.dst), String(unit.src), whole ? '1' : '0', String(part.length));
      for (const edge of part) {
        const dst = next++ as Ino;
        args.push(String(edge.ino), String(dst), edge.name);
        if (edge.type === 'dir') batch.dirs.push({ src: edge.ino, dst });
      }
      inCall += part.length;
    }
    const subdirs = edges.filter((e) => e.type === 'dir').length;
    const dir = tx.overlay.inodes.get(unit.dst);
    // The scripts raise the link count at EXEC; a copy this transaction holds must agree.
    if (dir && subdirs) tx.overlay.inodes.set(unit.dst, { ...dir, nlink: dir.nlink + subdirs });
  }
  if (inCall) calls.push(args);
  const keys = [k.counter('nextInode'), k.counter('inodes'), k.counter('usedBytes'), k.sliceRefs];
  for (const call of calls) tx.buffer.script(CLONE_LISTED, { keys, args: [...head, ...call] });
  tx.overlay.counterDeltas.set('inodes', (tx.overlay.counterDeltas.get('inodes') ?? 0) + count);
  batch.entries = count;
  return batch;
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
