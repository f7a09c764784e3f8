import { volumeCounters, type VolumeCounters, VolumeMetrics } from '../sdk/volume-metrics.js';
import type { Vfs } from '../vfs/vfs.js';
import { OpStats, type OpTotals } from './op-stats.js';

/** Everything a mount counts, at one instant (`slicefs stats`, `.control` `{"op":"stats"}`, `--metrics`). */
export interface MountStatsSnapshot extends VolumeCounters {
  /** When the snapshot was taken (ms since the epoch) and seconds since the mount started. */
  time: number;
  uptime: number;
  /** FUSE requests by opcode name. */
  fuse: Record<string, OpTotals>;
}

/** A mount's counters: the FUSE requests it answered and its volume client's metadata and object work. */
export class MountStats {
  readonly ops = new OpStats();
  readonly volume = new VolumeMetrics();
  private readonly started = performance.now();

  /** The counters now; `vfs` is the mounted volume's (opened with `this.volume`). */
  snapshot(vfs: Vfs): MountStatsSnapshot {
    return { time: Date.now(), uptime: (performance.now() - this.started) / 1000, fuse: this.ops.snapshot(), ...volumeCounters(vfs, this.volume) };
  }
}
