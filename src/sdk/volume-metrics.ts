import { EngineMetrics } from '../meta/engine-metrics.js';
import { ObjectMetrics } from '../object/wrappers/with-metrics.js';
import type { Vfs } from '../vfs/vfs.js';

/** What one client counts when opened with `metrics` (OpenOptions): its transactions and object requests. */
export class VolumeMetrics {
  readonly meta = new EngineMetrics();
  readonly object = new ObjectMetrics();
}

/** One client's counters at one instant; totals since it opened the volume. */
export interface VolumeCounters {
  meta: { transactions: number; reads: number; errors: number; seconds: number };
  object: { requests: ObjectMetrics['requests']; errors: number; readBytes: number; writtenBytes: number; seconds: number };
  /** Block cache: reads served from memory, reads that fetched, bytes held and the bound. */
  cache: { hits: number; misses: number; bytes: number };
  /** Write buffer: bytes of blocks being uploaded, and the bound. */
  buffer: { used: number; bytes: number };
  /** Disk cache (`--cache-dir`), when there is one: reads served from it and fetched, bytes read from and written to it, files found damaged or evicted, bytes in use and the bound. */
  diskCache?: { hits: number; misses: number; readBytes: number; writtenBytes: number; corrupt: number; evicted: number; usedBytes: number; capacityBytes: number };
}

/** The counters of a client opened with `metrics`, copied out (safe to keep and compare). */
export function volumeCounters(vfs: Vfs, metrics: VolumeMetrics): VolumeCounters {
  const { meta, object } = metrics;
  const { cache, budget } = vfs.chunks;
  return {
    meta: { transactions: meta.transactions, reads: meta.reads, errors: meta.errors, seconds: meta.seconds },
    object: { requests: { ...object.requests }, errors: object.errors, readBytes: object.readBytes, writtenBytes: object.writtenBytes, seconds: object.seconds },
    cache: { hits: cache.hits, misses: cache.misses, bytes: cache.size },
    buffer: { used: budget.used, bytes: budget.bytes },
    ...(vfs.chunks.diskCache ? { diskCache: { ...vfs.chunks.diskCache.stats } } : {}),
  };
}
