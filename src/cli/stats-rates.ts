import type { MountStatsSnapshot } from '../fuse/mount-stats.js';

/** What one `slicefs stats` interval shows: rates between two snapshots of a mount's counters. */
export interface StatsInterval {
  /** End of the interval (ISO time) and its length in seconds. */
  time: string;
  seconds: number;
  fuse: { ops: number; opsPerSec: number; errors: number; avgMs: number; byOp: Record<string, { ops: number; errors: number; avgMs: number }> };
  meta: { transactions: number; reads: number; perSec: number; avgMs: number };
  object: { requests: number; perSec: number; readBytesPerSec: number; writtenBytesPerSec: number; avgMs: number };
  /** Block cache hit ratio of the interval's block reads (null when there were none). */
  cache: { hits: number; misses: number; hitRatio: number | null; bytes: number };
  buffer: { used: number; bytes: number };
  /** Disk cache (`--cache-dir`) hit ratio of the interval's reads that missed the block cache, and bytes in use; absent without one. */
  diskCache?: { hits: number; misses: number; hitRatio: number | null; usedBytes: number; capacityBytes: number };
}

const sum = (values: Iterable<number>) => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};
const ms = (seconds: number, n: number) => (n > 0 ? (seconds / n) * 1000 : 0);

/** The interval from `a` to `b` (two snapshots of the same mount, `b` later). */
export function statsInterval(a: MountStatsSnapshot, b: MountStatsSnapshot): StatsInterval {
  const seconds = Math.max(1e-9, (b.time - a.time) / 1000);
  const byOp: StatsInterval['fuse']['byOp'] = {};
  let ops = 0;
  let errors = 0;
  let opSeconds = 0;
  for (const [op, now] of Object.entries(b.fuse)) {
    const before = a.fuse[op] ?? { count: 0, errors: 0, seconds: 0 };
    const n = now.count - before.count;
    if (n === 0) continue;
    const e = now.errors - before.errors;
    const s = now.seconds - before.seconds;
    byOp[op] = { ops: n, errors: e, avgMs: ms(s, n) };
    ops += n;
    errors += e;
    opSeconds += s;
  }
  const tx = b.meta.transactions - a.meta.transactions;
  const reads = b.meta.reads - a.meta.reads;
  const requests = sum(Object.values(b.object.requests)) - sum(Object.values(a.object.requests));
  const hits = b.cache.hits - a.cache.hits;
  const misses = b.cache.misses - a.cache.misses;
  return {
    time: new Date(b.time).toISOString(),
    seconds,
    fuse: { ops, opsPerSec: ops / seconds, errors, avgMs: ms(opSeconds, ops), byOp },
    meta: { transactions: tx, reads, perSec: (tx + reads) / seconds, avgMs: ms(b.meta.seconds - a.meta.seconds, tx + reads) },
    object: {
      requests,
      perSec: requests / seconds,
      readBytesPerSec: (b.object.readBytes - a.object.readBytes) / seconds,
      writtenBytesPerSec: (b.object.writtenBytes - a.object.writtenBytes) / seconds,
      avgMs: ms(b.object.seconds - a.object.seconds, requests),
    },
    cache: { hits, misses, hitRatio: hits + misses > 0 ? hits / (hits + misses) : null, bytes: b.cache.bytes },
    buffer: { ...b.buffer },
    ...(b.diskCache ? { diskCache: diskInterval(a.diskCache, b.diskCache) } : {}),
  };
}

function diskInterval(a: MountStatsSnapshot['diskCache'], b: NonNullable<MountStatsSnapshot['diskCache']>): NonNullable<StatsInterval['diskCache']> {
  const hits = b.hits - (a?.hits ?? 0);
  const misses = b.misses - (a?.misses ?? 0);
  return { hits, misses, hitRatio: hits + misses > 0 ? hits / (hits + misses) : null, usedBytes: b.usedBytes, capacityBytes: b.capacityBytes };
}
