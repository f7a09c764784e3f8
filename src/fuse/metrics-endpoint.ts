import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import { CodedError } from '../errors/index.js';
import type { MountStatsSnapshot } from './mount-stats.js';
import { LATENCY_BOUNDS } from './op-stats.js';

type Sample = { labels?: Record<string, string | number>; value: number; metricName?: string };

/** A metric family read from the mount's snapshot at scrape time (prom-client formats it). */
function family(spec: { name: string; help: string; type: 'counter' | 'gauge' | 'histogram' }, samples: (s: MountStatsSnapshot) => Sample[], now: () => MountStatsSnapshot): Metric {
  const get = async () => ({ ...spec, aggregator: 'sum', values: samples(now()) });
  return { ...spec, aggregator: 'sum', get } as unknown as Metric;
}

function latencySamples(s: MountStatsSnapshot): Sample[] {
  const out: Sample[] = [];
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
  const registry = new Registry();
  const add = (spec: Parameters<typeof family>[0], samples: (s: MountStatsSnapshot) => Sample[]) => registry.registerMetric(family(spec, samples, now));
  const perOp = (field: 'count' | 'errors') => (s: MountStatsSnapshot) => Object.entries(s.fuse).map(([op, t]) => ({ labels: { op }, value: t[field] }));
  add({ name: 'slicefs_fuse_ops_total', help: 'FUSE requests answered, by opcode', type: 'counter' }, perOp('count'));
  add({ name: 'slicefs_fuse_errors_total', help: 'FUSE requests answered with an errno, by opcode', type: 'counter' }, perOp('errors'));
  add({ name: 'slicefs_fuse_op_duration_seconds', help: 'Time in the mount per FUSE request, by opcode', type: 'histogram' }, latencySamples);
  add({ name: 'slicefs_meta_transactions_total', help: 'Metadata engine transactions, by kind (write, read)', type: 'counter' },
    (s) => [{ labels: { kind: 'write' }, value: s.meta.transactions }, { labels: { kind: 'read' }, value: s.meta.reads }]);
  add({ name: 'slicefs_meta_errors_total', help: 'Metadata engine transactions that failed', type: 'counter' }, (s) => [{ value: s.meta.errors }]);
  add({ name: 'slicefs_meta_seconds_total', help: 'Seconds spent in metadata transactions', type: 'counter' }, (s) => [{ value: s.meta.seconds }]);
  add({ name: 'slicefs_object_requests_total', help: 'Object store requests, by method', type: 'counter' },
    (s) => Object.entries(s.object.requests).map(([method, value]) => ({ labels: { method }, value })));
  add({ name: 'slicefs_object_errors_total', help: 'Object store requests that failed', type: 'counter' }, (s) => [{ value: s.object.errors }]);
  add({ name: 'slicefs_object_bytes_total', help: 'Object store bytes, by direction (read, write)', type: 'counter' },
    (s) => [{ labels: { direction: 'read' }, value: s.object.readBytes }, { labels: { direction: 'write' }, value: s.object.writtenBytes }]);
  add({ name: 'slicefs_object_seconds_total', help: 'Seconds spent waiting for object store requests', type: 'counter' }, (s) => [{ value: s.object.seconds }]);
  add({ name: 'slicefs_cache_hits_total', help: 'Block reads served from the block cache', type: 'counter' }, (s) => [{ value: s.cache.hits }]);
  add({ name: 'slicefs_cache_misses_total', help: 'Block reads that fetched from the object store', type: 'counter' }, (s) => [{ value: s.cache.misses }]);
  add({ name: 'slicefs_cache_bytes', help: 'Bytes held by the block cache', type: 'gauge' }, (s) => [{ value: s.cache.bytes }]);
  add({ name: 'slicefs_buffer_bytes', help: 'Write buffer bytes in use', type: 'gauge' }, (s) => [{ value: s.buffer.used }]);
  add({ name: 'slicefs_buffer_capacity_bytes', help: 'Write buffer size', type: 'gauge' }, (s) => [{ value: s.buffer.bytes }]);
  add({ name: 'slicefs_uptime_seconds', help: 'Seconds since the mount started', type: 'gauge' }, (s) => [{ value: s.uptime }]);
  collectDefaultMetrics({ register: registry, prefix: 'slicefs_' });
  return registry;
}

/** `HOST:PORT`, `:PORT` or `PORT` (host 127.0.0.1); port 0 picks a free one. */
export function parseMetricsAddress(address: string): { host: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[^:]*):)?(\d{1,5})$/.exec(address);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new CodedError('ERR_BAD_OPTION', `--metrics: '${address}' is not HOST:PORT, :PORT or PORT`, { subject: address });
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host || '127.0.0.1', port };
}

/** An HTTP server answering `GET /metrics` in Prometheus text format; resolves once listening. */
export async function serveMetrics(address: string, registry: Registry): Promise<{ server: Server; url: string }> {
  const { host, port } = parseMetricsAddress(address);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('slicefs: metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const shown = typeof bound === 'object' && bound ? `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}` : address;
  return { server, url: `http://${shown}/metrics` };
}
