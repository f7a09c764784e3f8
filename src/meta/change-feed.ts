import type { Engine, EngineTx } from './engine.js';
import type { RecentAttrs } from './recent-attrs.js';
import type { Attr, Edge, Ino } from './types.js';
import { type Change, EVERYTHING } from './change.js';

/** Changes one transaction reports in detail; beyond this, one per directory, then one for all. */
export const MAX_CHANGES_PER_TXN = 128;

/** The changes of one transaction, deduplicated and bounded (MAX_CHANGES_PER_TXN). */
export class ChangeSet {
  private readonly entries = new Map<string, Change>();
  private readonly dirs = new Set<Ino>();
  /** The attributes the transaction left each inode it wrote with (undefined: deleted). */
  readonly attrs = new Map<Ino, Attr | undefined>();

  entry(parent: Ino, name: Buffer, ino: Ino): void {
    this.entries.set(`${parent}/${name.toString('latin1')}`, { parent, name, ino });
    this.dirs.add(parent);
  }
  inode(attr: Attr): void {
    this.entries.set(`${attr.ino}`, { parent: attr.parent, ino: attr.ino });
    this.attrs.set(attr.ino, { ...attr });
  }
  deletedInode(ino: Ino): void {
    this.attrs.set(ino, undefined);
  }

  /** What to publish: a directory whose entries changed is not also reported as a changed inode. */
  get changes(): Change[] {
    // Entries first: a file created and written in one transaction reads as Node reports it, rename then change.
    const all = [...this.entries.values()].filter((c) => c.name || !this.dirs.has(c.ino)).sort((a, b) => Number(!a.name) - Number(!b.name));
    if (all.length <= MAX_CHANGES_PER_TXN) return all;
    const parents = [...new Set(all.map((c) => c.parent))];
    if (parents.length > MAX_CHANGES_PER_TXN || parents.includes(0 as Ino)) return [EVERYTHING];
    return parents.map((parent) => ({ parent, ino: 0 as Ino }));
  }
}

/** The tx writes that are changes a watcher sees; everything else passes through. */
function recording(tx: EngineTx, set: ChangeSet): EngineTx {
  const overrides: Partial<EngineTx> = {
    putEdge: (parent: Ino, edge: Edge) => (set.entry(parent, edge.name, edge.ino), tx.putEdge(parent, edge)),
    deleteEdge: (parent: Ino, name: Buffer) => (set.entry(parent, name, 0 as Ino), tx.deleteEdge(parent, name)),
    putInode: (attr: Attr) => (set.inode(attr), tx.putInode(attr)),
    deleteInode: (ino: Ino) => (set.deletedInode(ino), tx.deleteInode(ino)),
  };
  return new Proxy(tx, {
    get(target, key) {
      const own = overrides[key as keyof EngineTx];
      if (own) return own;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The engine with its changes published: every transaction records the entries and inodes it
 * writes, and hands them to the engine's `publishChanges` inside the same transaction, so they
 * reach subscribers exactly when (and only if) it commits. With `recent`, the attributes each
 * committed transaction wrote are kept there too (one recording serves both). An engine with
 * neither a feed nor `recent` passes unchanged.
 */
export function publishingChanges(engine: Engine, recent?: RecentAttrs): Engine {
  if (!engine.subscribeChanges && !recent) return engine;
  const txn: Engine['txn'] = async (fn, options) => {
    const run = recent?.begin();
    let set: ChangeSet | undefined;
    try {
      const result = await engine.txn(async (tx) => {
        const publish = engine.subscribeChanges && tx.publishChanges;
        if (!publish && !run) return fn(tx);
        set = new ChangeSet(); // each attempt of a retried transaction starts over
        const result = await fn(recording(tx, set));
        const changes = publish ? set.changes : [];
        if (changes.length) await tx.publishChanges!(changes);
        return result;
      }, options);
      if (run) recent!.committed(run, set?.attrs);
      return result;
    } catch (err) {
      if (run) recent!.failed(run, set?.attrs);
      throw err;
    }
  };
  // A replacement is a transaction of one putInode: recorded and published the same way.
  const replaceInode: Engine['replaceInode'] = engine.replaceInode && (async (expected, next, changes) => {
    const run = recent?.begin();
    const written = new Map<Ino, Attr | undefined>([[next.ino, { ...next }]]);
    try {
      const replaced = await engine.replaceInode!(expected, next, engine.subscribeChanges ? changes : []);
      if (run) recent!.committed(run, replaced ? written : undefined);
      return replaced;
    } catch (err) {
      if (run) recent!.failed(run, written);
      throw err;
    }
  });
  return new Proxy(engine, {
    get(target, key) {
      if (key === 'txn') return txn;
      if (key === 'replaceInode') return replaceInode;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
