import { blockSizeOf } from '../meta/block-layout.js';
import { findMissingObjects } from '../chunk/object-garbage.js';
import { fsck, type FsckReport } from '../meta/fsck/fsck.js';
import type { Volume } from './volume.js';

/** Options of `fsck`. */
export interface FsckOptions {
  /** Fix what can be fixed without losing data. */
  repair?: boolean;
  /**
   * Repair even while other clients are connected to an engine without snapshots (Redis): a
   * repair may then undo another client's change. Engines with snapshots (SQLite, PostgreSQL) never need it.
   */
  force?: boolean;
  /** Also check that every block of every slice is in the store. */
  checkObjects?: boolean;
  onProgress?: (phase: string, n: number) => void;
}

/** Checks a volume's metadata (and optionally its objects); `problems` is empty when all is well. */
export async function checkVolume(volume: Volume, options: FsckOptions = {}): Promise<FsckReport> {
  const engine = volume.meta.engine;
  const report = await fsck(engine, { repair: options.repair, force: options.force, session: volume.meta.session, onProgress: options.onProgress });
  if (options.checkObjects) {
    const missing = await findMissingObjects(
      { engine, store: volume.vfs.chunks.store, blockSizeOf: blockSizeOf(volume.settings) },
      (n) => options.onProgress?.('objects', n),
    );
    for (const m of missing) report.problems.push({ kind: 'object-missing', detail: `slice ${m.id}: object ${m.key} is missing`, repaired: false });
  }
  return report;
}
