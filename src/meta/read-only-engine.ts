import { FsError } from '../errors/index.js';
import type { Engine } from './engine.js';

const refuse = (what: string) => Promise.reject(new FsError('EROFS', { syscall: what, detail: 'the volume was opened read-only' }));

/**
 * An engine that reads through to `engine` and refuses every write with EROFS, whatever the
 * engine (a read-only open of SQLite also opens its file read-only, below this).
 */
export function readOnlyEngine(engine: Engine): Engine {
  return {
    get scheme() {
      return engine.scheme;
    },
    format: () => refuse('format'),
    loadSettings: () => engine.loadSettings(),
    saveSettings: () => refuse('config'),
    destroy: () => refuse('destroy'),
    txn: () => refuse('transaction'),
    read: (fn) => engine.read(fn),
    incrCounter: () => refuse('counter'),
    getCounter: (name) => engine.getCounter(name),
    pendingSlices: (limit, after) => engine.pendingSlices(limit, after),
    finishPendingSlices: () => refuse('delete slices'),
    putSession: () => refuse('session'),
    renewSession: () => refuse('session'),
    fenceSession: () => refuse('session'),
    listSessions: () => engine.listSessions(),
    deleteSession: () => refuse('session'),
    listSustained: (session) => engine.listSustained(session),
    listDetached: () => engine.listDetached(),
    scanInodes: (after, limit) => engine.scanInodes(after, limit),
    scanEdges: (after, limit) => engine.scanEdges(after, limit),
    scanSlices: (after, limit) => engine.scanSlices(after, limit),
    scanSliceData: (after, limit) => engine.scanSliceData(after, limit),
    scanChunkRecords: (after, limit) => engine.scanChunkRecords(after, limit),
    scanSymlinks: (after, limit) => engine.scanSymlinks(after, limit),
    scanXattrs: (after, limit) => engine.scanXattrs(after, limit),
    ...(engine.snapshot ? { snapshot: (fn) => engine.snapshot!(fn) } : {}),
    ...(engine.subscribeChanges ? { subscribeChanges: (listener) => engine.subscribeChanges!(listener) } : {}),
    totals: () => engine.totals(),
    stats: () => engine.stats(),
    close: () => engine.close(),
  };
}
