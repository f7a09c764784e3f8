import type { Engine, VolumeView } from './engine.js';

/** An engine's own reads as a view (committed state, not isolated across pages): what whole-volume passes use without a snapshot. */
export function plainView(engine: Engine): VolumeView {
  return {
    scanInodes: (after, limit) => engine.scanInodes(after, limit),
    scanEdges: (after, limit) => engine.scanEdges(after, limit),
    scanSlices: (after, limit) => engine.scanSlices(after, limit),
    scanSliceData: (after, limit) => engine.scanSliceData(after, limit),
    scanChunkRecords: (after, limit) => engine.scanChunkRecords(after, limit),
    scanSymlinks: (after, limit) => engine.scanSymlinks(after, limit),
    scanXattrs: (after, limit) => engine.scanXattrs(after, limit),
    pendingSlices: (limit, after) => engine.pendingSlices(limit, after),
    getCounter: (name) => engine.getCounter(name),
    listSessions: () => engine.listSessions(),
    listSustained: (session) => engine.listSustained(session),
    listDetached: () => engine.listDetached(),
    listEdges: (parent, after, limit) => engine.read((tx) => tx.listEdges(parent, after, limit)),
    listQuotas: () => engine.read((tx) => tx.listQuotas()),
  };
}
