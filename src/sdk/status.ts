import { redactUrl } from '../errors/index.js';
import { judgeDetached } from '../meta/gc/detached-trees.js';
import type { SessionInfo, VolumeSettings } from '../meta/types.js';
import { DEFAULT_GC_THRESHOLD_MS } from './garbage.js';
import type { Volume } from './volume.js';

/** What `slicefs status` reports. */
export interface VolumeStatus {
  /** The volume's settings, with any secret in the storage URL replaced by `***`. */
  settings: VolumeSettings;
  engine: { scheme: string; storageBytes: number; description: string };
  /** Logical usage: what df and du count (clones count fully). */
  logical: { usedBytes: number; inodes: number };
  /**
   * Physical usage, from the counters the volume keeps (never by listing the store): slices
   * (referenced, or queued for deletion) and the bytes they hold, in the store's blocks or, for
   * slices up to the inline size, in the metadata engine.
   * `fsck` checks the counters against the slices.
   */
  physical: { slices: number; bytes: number };
  /** Clones under way or abandoned (see `gc`). */
  detachedTrees: number;
  /** Of those, what `gc --delete` (default threshold 24 h) removes now: session gone or expired, or older than 24 h. */
  abandonedTrees: number;
  /** Live sessions other than the one asking. */
  sessions: SessionInfo[];
}

/** Collects the status of an open volume from its counters, in a few reads whatever its size. */
export async function volumeStatus(volume: Volume): Promise<VolumeStatus> {
  const engine = volume.meta.engine;
  const [usage, slices, bytes, stats, sessions, detached] = await Promise.all([
    volume.statfs(), engine.getCounter('storedSlices'), engine.getCounter('storedBytes'), engine.stats(), engine.listSessions(), engine.listDetached(),
  ]);
  // The same rule as gc's (meta/gc/detached-trees.ts), with gc's default threshold.
  const judged = judgeDetached(detached, sessions, { now: Date.now(), thresholdMs: DEFAULT_GC_THRESHOLD_MS });
  return {
    settings: { ...volume.settings, storage: redactUrl(volume.settings.storage) },
    engine: { scheme: engine.scheme, ...stats },
    logical: usage,
    physical: { slices, bytes },
    detachedTrees: detached.length,
    abandonedTrees: judged.filter((t) => t.reclaimable).length,
    sessions: sessions.filter((s) => s.id !== volume.meta.session && s.expires > Date.now()),
  };
}
