import { blockSizeOf } from '../meta/block-layout.js';
import { collectObjectGarbage, type ObjectGcReport } from '../chunk/object-garbage.js';
import { collectMetadataGarbage, type MetadataGcReport } from '../meta/gc/collect-metadata.js';
import type { Volume } from './volume.js';

/** Leftovers younger than this are spared unless their session is gone (gc's default --threshold). */
export const DEFAULT_GC_THRESHOLD_MS = 24 * 3_600_000;

/** What `gc` found (and removed, with `delete`). */
export interface GcReport {
  metadata: MetadataGcReport;
  objects: ObjectGcReport;
}

/** Options of `gc`: report only, or delete; the age below which leftovers are spared. */
export interface GcOptions {
  delete?: boolean;
  /** Leftovers younger than this (ms) are spared unless their session is gone (default 24 h). */
  thresholdMs?: number;
  onProgress?: (phase: string, n: number) => void;
}

/** Finds (and with `delete` removes) leftovers: dead sessions' inodes, abandoned clones, unreferenced slices, leaked objects. */
export async function collectGarbage(volume: Volume, options: GcOptions = {}): Promise<GcReport> {
  const remove = options.delete ?? false;
  const thresholdMs = options.thresholdMs ?? DEFAULT_GC_THRESHOLD_MS;
  const engine = volume.meta.engine;
  const metadata = await collectMetadataGarbage(engine, { remove, thresholdMs, onProgress: options.onProgress });
  const objects = await collectObjectGarbage(
    { engine, meta: volume.meta, store: volume.vfs.chunks.store, blockSizeOf: blockSizeOf(volume.settings) },
    { remove, thresholdMs, onProgress: options.onProgress },
  );
  return { metadata, objects };
}
