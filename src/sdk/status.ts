import { redactUrl } from '../errors/index.js';
import type { SessionInfo, VolumeSettings } from '../meta/types.js';
import { listAll } from '../object/list-all.js';
import type { Volume } from './volume.js';

/** What `slicefs status` reports. */
export interface VolumeStatus {
  /** The volume's settings, with any secret in the storage URL replaced by `***`. */
  settings: VolumeSettings;
  engine: { scheme: string; storageBytes: number; description: string };
  /** Logical usage: what df and du count (clones count fully). */
  logical: { usedBytes: number; inodes: number };
  /** Physical usage: slices the metadata references, and objects the store holds. */
  physical: { slices: number; sliceBytes: number; pendingSlices: number; objects: number; objectBytes: number };
  /** Clones under way or abandoned (see `gc`). */
  detachedTrees: number;
  /** Live sessions other than the one asking. */
  sessions: SessionInfo[];
}

/** Collects the status of an open volume (lists the object store to count objects). */
export async function volumeStatus(volume: Volume): Promise<VolumeStatus> {
  const engine = volume.meta.engine;
  const [usage, totals, stats, sessions, detached] = await Promise.all([
    volume.statfs(), engine.totals(), engine.stats(), engine.listSessions(), engine.listDetached(),
  ]);
  let objects = 0;
  let objectBytes = 0;
  for await (const o of listAll(volume.vfs.chunks.store, 'chunks/')) {
    objects++;
    objectBytes += o.size;
  }
  return {
    settings: { ...volume.settings, storage: redactUrl(volume.settings.storage) },
    engine: { scheme: engine.scheme, ...stats },
    logical: usage,
    physical: { slices: totals.slices, sliceBytes: totals.sliceBytes, pendingSlices: totals.pendingSlices, objects, objectBytes },
    detachedTrees: detached.length,
    sessions: sessions.filter((s) => s.id !== volume.meta.session && s.expires > Date.now()),
  };
}
