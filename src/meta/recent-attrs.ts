import type { Engine, EngineTx } from './engine.js';
import type { Attr, Ino } from './types.js';

/** Entries kept before expired ones are pruned. */
const PRUNE_AT = 8_192;

/** An inode's attributes as this client's own commit left them, and how old that commit is. */
export interface RecentAttr {
  attr: Attr;
  /** Milliseconds since the transaction that wrote them committed. */
  ageMs: number;
}

/**
 * The attributes this client's own committed transactions wrote, for `lifetimeMs`. A reader that
 * may be as stale as a kernel's attribute cache (a FUSE GETATTR, whose answer the kernel keeps
 * for its timeout anyway) takes them instead of an engine read: after a create or unlink the
 * kernel asks for the directory's attributes, which the transaction has just written. Another
 * client's change since then is missed for at most the age, as it would be in the kernel's cache.
 *
 * Only `putInode` changes an existing inode's attributes in the engine contract (set-based
 * clones create new inodes), so watching it and `deleteInode` in every transaction keeps this
 * exact for this client's own changes. Transactions that overlap in time may commit in another
 * order than their promises settle, so what an overlapped transaction wrote is dropped instead.
 * Any read of an inode's attributes (`getInode`, `getEntry`: lookups, opens, listings) drops
 * what is kept of it: the reader has handed on something at least as fresh, which a later
 * answer from here must not contradict (an OPEN that found another client's append makes the
 * kernel ask for the attributes again, and they must be the appended ones).
 */
export class RecentAttrs {
  private readonly attrs = new Map<Ino, { attr: Attr; at: number }>();
  /** Transactions between their start and their settling, with the inodes they wrote. */
  private readonly running = new Set<{ written: Map<Ino, Attr | undefined>; overlapped: boolean }>();

  constructor(readonly lifetimeMs: number) {}

  /** The attributes of `ino` if this client committed them at most `maxAgeMs` (and the lifetime) ago. */
  get(ino: Ino, maxAgeMs: number, now = Date.now()): RecentAttr | undefined {
    const entry = this.attrs.get(ino);
    if (!entry) return undefined;
    const ageMs = Math.max(0, now - entry.at);
    if (ageMs > Math.min(maxAgeMs, this.lifetimeMs)) return undefined;
    return { attr: entry.attr, ageMs };
  }

  /** Forgets everything (a change this client cannot attribute to inodes). */
  clear(): void {
    this.attrs.clear();
  }

  get size(): number {
    return this.attrs.size;
  }

  /** The engine with every transaction's inode writes recorded here once it commits. */
  watch(engine: Engine): Engine {
    const forget = (ino: Ino) => this.attrs.delete(ino);
    const read: Engine['read'] = (fn) => engine.read((tx) => fn(forgettingRead(tx, forget)));
    const txn: Engine['txn'] = async (fn, options) => {
      const run = { written: new Map<Ino, Attr | undefined>(), overlapped: this.running.size > 0 };
      for (const other of this.running) other.overlapped = true;
      this.running.add(run);
      try {
        const result = await engine.txn((tx) => {
          run.written = new Map(); // a retried attempt starts over
          return fn(recordingInodes(tx, run.written, forget));
        }, options);
        this.committed(run.written, run.overlapped);
        return result;
      } catch (err) {
        // Committed or not is unknown to us: what it wrote may be in the engine now.
        for (const ino of run.written.keys()) this.attrs.delete(ino);
        throw err;
      } finally {
        this.running.delete(run);
      }
    };
    return new Proxy(engine, {
      get(target, key) {
        if (key === 'txn') return txn;
        if (key === 'read') return read;
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  private committed(written: Map<Ino, Attr | undefined>, overlapped: boolean): void {
    const at = Date.now();
    for (const [ino, attr] of written) {
      this.attrs.delete(ino); // re-inserted last: the map stays in commit order, oldest first
      if (attr && !overlapped) this.attrs.set(ino, { attr, at });
    }
    if (this.attrs.size > PRUNE_AT) this.prune(at);
  }

  private prune(now: number): void {
    for (const [ino, entry] of this.attrs) {
      if (now - entry.at <= this.lifetimeMs && this.attrs.size <= PRUNE_AT) break;
      this.attrs.delete(ino);
    }
  }
}

/** Reads of attributes that `forget` what is kept of the inodes they return. */
function attrReads(tx: EngineTx, forget: (ino: Ino) => void): Partial<EngineTx> {
  const reads: Partial<EngineTx> = {
    getInode: async (ino: Ino) => {
      const attr = await tx.getInode(ino);
      forget(ino);
      return attr;
    },
  };
  const { getEntry } = tx;
  if (getEntry) {
    reads.getEntry = async (parent: Ino, name: Buffer) => {
      const found = await getEntry.call(tx, parent, name);
      forget(parent);
      if (found.attr) forget(found.attr.ino);
      return found;
    };
  }
  return reads;
}

function forgettingRead(tx: EngineTx, forget: (ino: Ino) => void): EngineTx {
  return overriding(tx, attrReads(tx, forget));
}

/** The transaction with its putInode/deleteInode calls noted in `written` (undefined: deleted), and its reads forgetting. */
function recordingInodes(tx: EngineTx, written: Map<Ino, Attr | undefined>, forget: (ino: Ino) => void): EngineTx {
  return overriding(tx, {
    ...attrReads(tx, forget),
    putInode: (attr: Attr) => (written.set(attr.ino, { ...attr }), tx.putInode(attr)),
    deleteInode: (ino: Ino) => (written.set(ino, undefined), tx.deleteInode(ino)),
  });
}

function overriding(tx: EngineTx, overrides: Partial<EngineTx>): EngineTx {
  return new Proxy(tx, {
    get(target, key) {
      const own = overrides[key as keyof EngineTx];
      if (own) return own;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
