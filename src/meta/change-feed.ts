import type { Engine, EngineTx } from './engine.js';
import type { Attr, Edge, Ino } from './types.js';
import { type Change, EVERYTHING } from './change.js';

/** Changes one transaction reports in detail; beyond this, one per directory, then one for all. */
export const MAX_CHANGES_PER_TXN = 128;

/** The changes of one transaction, deduplicated and bounded (MAX_CHANGES_PER_TXN). */
export class ChangeSet {
  private readonly entries = new Map<string, Change>();
  private readonly dirs = new Set<Ino>();

  entry(parent: Ino, name: Buffer, ino: Ino): void {
    this.entries.set(`${parent}/${name.toString('latin1')}`, { parent, name, ino });
    this.dirs.add(parent);
  }
  inode(attr: Attr): void {
    this.entries.set(`${attr.ino}`, { parent: attr.parent, ino: attr.ino });
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
 * reach subscribers exactly when (and only if) it commits. Engines without a feed pass unchanged.
 */
export function publishingChanges(engine: Engine): Engine {
  if (!engine.subscribeChanges) return engine;
  const txn: Engine['txn'] = (fn, options) =>
    engine.txn(async (tx) => {
      if (!tx.publishChanges) return fn(tx);
      const set = new ChangeSet();
      const result = await fn(recording(tx, set));
      const changes = set.changes;
      if (changes.length) await tx.publishChanges(changes);
      return result;
    }, options);
  return new Proxy(engine, {
    get(target, key) {
      if (key === 'txn') return txn;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
