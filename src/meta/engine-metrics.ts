import { isFsError } from '../errors/index.js';
import type { Engine } from './engine.js';

/** Metadata transactions one client ran, as plain counters (`slicefs stats`, `mount --metrics`). */
export class EngineMetrics {
  /** Write transactions (`txn`), each counted once however often a conflict re-ran it. */
  transactions = 0;
  /** Read-only transactions (`read`). */
  reads = 0;
  /** Transactions that failed for a reason other than a POSIX answer (EIO, driver errors; not a lookup's ENOENT). */
  errors = 0;
  /** Seconds spent in transactions of either kind. */
  seconds = 0;
}

/**
 * `engine` with its transactions counted in `metrics`; every other call passes straight through.
 * Made by delegation (as `readOnlyEngine`), so a new Engine member fails to compile here.
 */
export function withEngineMetrics(engine: Engine, metrics: EngineMetrics): Engine {
  const timed = async <T>(kind: 'transactions' | 'reads', run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    metrics[kind]++;
    try {
      return await run();
    } catch (err) {
      if (!isFsError(err) || err.code === 'EIO') metrics.errors++;
      throw err;
    } finally {
      metrics.seconds += (performance.now() - t0) / 1000;
    }
  };
  const txn: Engine['txn'] = (fn, options) => timed('transactions', () => engine.txn(fn, options));
  const read: Engine['read'] = (fn) => timed('reads', () => engine.read(fn));
  const replaceInode: Engine['replaceInode'] = engine.replaceInode && ((expected, next, changes) => timed('transactions', () => engine.replaceInode!(expected, next, changes)));
  // Every other member is the engine's own, so a member added to Engine needs nothing here.
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === 'txn') return txn;
      if (prop === 'read') return read;
      if (prop === 'replaceInode') return replaceInode;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
