import type { Registry } from 'prom-client';
import { addVolumeFamilies, LATENCY_BOUNDS, type MetricSample, SnapshotRegistry } from '../sdk/metrics-endpoint.js';
import type { MountStatsSnapshot } from './mount-stats.js';

export { parseMetricsAddress, serveMetrics } from '../sdk/metrics-endpoint.js';

function latencySamples(s: MountStatsSnapshot): MetricSample[] {
  const out: MetricSample[] = [];
  const name = 'slicefs_fuse_op_duration_seconds';
  for (const [op, t] of Object.entries(s.fuse)) {
    let cumulative = 0;
    LATENCY_BOUNDS.forEach((le, i) => {
      cumulative += t.buckets[i]!;
      out.push({ metricName: `${name}_bucket`, labels: { op, le }, value: cumulative });
    });
    out.push({ metricName: `${name}_bucket`, labels: { op, le: '+Inf' }, value: t.count });
    out.push({ metricName: `${name}_sum`, labels: { op }, value: t.seconds });
    out.push({ metricName: `${name}_count`, labels: { op }, value: t.count });
  }
  return out;
}

/** Every family `mount --metrics` serves, read from `now()` at each scrape. */
export function mountRegistry(now: () => MountStatsSnapshot): Registry {
  const r = new SnapshotRegistry(now);
  const perOp = (field: 'count' | 'errors') => (s: MountStatsSnapshot) => Object.entries(s.fuse).map(([op, t]) => ({ labels: { op }, value: t[field] }));
  r.add({ name: 'slicefs_fuse_ops_total', help: 'FUSE requests answered, by opcode', type: 'counter' }, perOp('count'));
  r.add({ name: 'slicefs_fuse_errors_total', help: 'FUSE requests answered with an errno, by opcode', type: 'counter' }, perOp('errors'));
  r.add({ name: 'slicefs_fuse_op_duration_seconds', help: 'Time in the mount per FUSE request, by opcode', type: 'histogram' }, latencySamples);
  addVolumeFamilies(r);
  r.add({ name: 'slicefs_uptime_seconds', help: 'Seconds since the mount started', type: 'gauge' }, (s) => [{ value: s.uptime }]);
  return r.registry;
}
