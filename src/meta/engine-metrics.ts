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
  return {
    get scheme() {
      return engine.scheme;
    },
    format: (settings, root, force) => engine.format(settings, root, force),
    loadSettings: () => engine.loadSettings(),
    saveSettings: (settings) => engine.saveSettings(settings),
    destroy: () => engine.destroy(),
    txn: (fn, options) => timed('transactions', () => engine.txn(fn, options)),
    read: (fn) => timed('reads', () => engine.read(fn)),
    incrCounter: (name, n) => engine.incrCounter(name, n),
    getCounter: (name) => engine.getCounter(name),
    pendingSlices: (limit, after) => engine.pendingSlices(limit, after),
    finishPendingSlices: (ids) => engine.finishPendingSlices(ids),
    putSession: (session) => engine.putSession(session),
    renewSession: (session, now) => engine.renewSession(session, now),
    fenceSession: (id, at) => engine.fenceSession(id, at),
    listSessions: () => engine.listSessions(),
    deleteSession: (id) => engine.deleteSession(id),
    listSustained: (session) => engine.listSustained(session),
    listDetached: () => engine.listDetached(),
    scanInodes: (after, limit) => engine.scanInodes(after, limit),
    scanEdges: (after, limit) => engine.scanEdges(after, limit),
    scanSlices: (after, limit) => engine.scanSlices(after, limit),
    scanChunkRecords: (after, limit) => engine.scanChunkRecords(after, limit),
    ...(engine.snapshot ? { snapshot: (fn) => engine.snapshot!(fn) } : {}),
    totals: () => engine.totals(),
    stats: () => engine.stats(),
    close: () => engine.close(),
  };
}
