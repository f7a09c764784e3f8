import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Histogram, type Metric, Registry } from 'prom-client';
import { CodedError } from '../errors/index.js';
import type { VolumeCounters } from './volume-metrics.js';

/** One sample of a family read at scrape time. */
export type MetricSample = { labels?: Record<string, string | number>; value: number; metricName?: string };
type FamilySpec = { name: string; help: string; type: 'counter' | 'gauge' | 'histogram' };

/**
 * Latency buckets of every slicefs histogram: upper bounds in seconds, powers of two from 2^-17 s
 * (7.6 µs) to 2^4 s (16 s), then +Inf. Powers of two make the bucket one Math.log2 away, with no search.
 */
export const LATENCY_BOUNDS: readonly number[] = Array.from({ length: 22 }, (_, i) => 2 ** (-17 + i));

/** A registry of families read from `now()` at each scrape; `add` registers one more. */
export class SnapshotRegistry<S> {
  readonly registry = new Registry();
  constructor(private readonly now: () => S) {}

  /** A metric family whose samples come from the snapshot at scrape time (prom-client formats it). */
  add(spec: FamilySpec, samples: (s: S) => MetricSample[]): void {
    const get = async () => ({ ...spec, aggregator: 'sum', values: samples(this.now()) });
    this.registry.registerMetric({ ...spec, aggregator: 'sum', get } as unknown as Metric);
  }
}

/** The families every volume client serves (metadata, object store, block cache, write buffer), plus the process's own. */
export function addVolumeFamilies<S extends VolumeCounters>(r: SnapshotRegistry<S>): void {
  r.add({ name: 'slicefs_meta_transactions_total', help: 'Metadata engine transactions, by kind (write, read)', type: 'counter' },
    (s) => [{ labels: { kind: 'write' }, value: s.meta.transactions }, { labels: { kind: 'read' }, value: s.meta.reads }]);
  r.add({ name: 'slicefs_meta_errors_total', help: 'Metadata engine transactions that failed', type: 'counter' }, (s) => [{ value: s.meta.errors }]);
  r.add({ name: 'slicefs_meta_seconds_total', help: 'Seconds spent in metadata transactions', type: 'counter' }, (s) => [{ value: s.meta.seconds }]);
  r.add({ name: 'slicefs_object_requests_total', help: 'Object store requests, by method', type: 'counter' },
    (s) => Object.entries(s.object.requests).map(([method, value]) => ({ labels: { method }, value })));
  r.add({ name: 'slicefs_object_errors_total', help: 'Object store requests that failed', type: 'counter' }, (s) => [{ value: s.object.errors }]);
  r.add({ name: 'slicefs_object_bytes_total', help: 'Object store bytes, by direction (read, write)', type: 'counter' },
    (s) => [{ labels: { direction: 'read' }, value: s.object.readBytes }, { labels: { direction: 'write' }, value: s.object.writtenBytes }]);
  r.add({ name: 'slicefs_object_seconds_total', help: 'Seconds spent waiting for object store requests', type: 'counter' }, (s) => [{ value: s.object.seconds }]);
  r.add({ name: 'slicefs_cache_hits_total', help: 'Block reads served from the block cache', type: 'counter' }, (s) => [{ value: s.cache.hits }]);
  r.add({ name: 'slicefs_cache_misses_total', help: 'Block reads that fetched from the object store', type: 'counter' }, (s) => [{ value: s.cache.misses }]);
  r.add({ name: 'slicefs_cache_bytes', help: 'Bytes held by the block cache', type: 'gauge' }, (s) => [{ value: s.cache.bytes }]);
  r.add({ name: 'slicefs_buffer_bytes', help: 'Write buffer bytes in use', type: 'gauge' }, (s) => [{ value: s.buffer.used }]);
  r.add({ name: 'slicefs_buffer_capacity_bytes', help: 'Write buffer size', type: 'gauge' }, (s) => [{ value: s.buffer.bytes }]);
  const disk = (field: keyof NonNullable<VolumeCounters['diskCache']>) => (s: S) => (s.diskCache ? [{ value: s.diskCache[field] }] : []);
  r.add({ name: 'slicefs_disk_cache_hits_total', help: 'Reads served from the disk cache (--cache-dir)', type: 'counter' }, disk('hits'));
  r.add({ name: 'slicefs_disk_cache_misses_total', help: 'Reads the disk cache passed to the object store', type: 'counter' }, disk('misses'));
  r.add({ name: 'slicefs_disk_cache_read_bytes_total', help: 'Bytes served from the disk cache', type: 'counter' }, disk('readBytes'));
  r.add({ name: 'slicefs_disk_cache_written_bytes_total', help: 'Bytes written into the disk cache', type: 'counter' }, disk('writtenBytes'));
  r.add({ name: 'slicefs_disk_cache_corrupt_total', help: 'Disk cache files found damaged, dropped and fetched again', type: 'counter' }, disk('corrupt'));
  r.add({ name: 'slicefs_disk_cache_evicted_total', help: 'Disk cache files removed to stay within its size', type: 'counter' }, disk('evicted'));
  r.add({ name: 'slicefs_disk_cache_bytes', help: 'Bytes of disk cache files in the cache directory', type: 'gauge' }, disk('usedBytes'));
  r.add({ name: 'slicefs_disk_cache_capacity_bytes', help: 'The disk cache size (--cache-dir-size)', type: 'gauge' }, disk('capacityBytes'));
  collectDefaultMetrics({ register: r.registry, prefix: 'slicefs_' });
}

/**
 * Requests of an HTTP front end (`gateway`, `webdav`) as Prometheus counters: requests by
 * operation and status, and a latency histogram by operation, under `slicefs_<server>_…`.
 */
export class HttpRequestMetrics {
  private readonly requests: Counter<'operation' | 'status'>;
  private readonly latency: Histogram<'operation'>;

  constructor(registry: Registry, server: 'gateway' | 'webdav') {
    this.requests = new Counter({ name: `slicefs_${server}_requests_total`, help: `${server} requests answered, by operation and HTTP status`, labelNames: ['operation', 'status'], registers: [registry] });
    this.latency = new Histogram({ name: `slicefs_${server}_request_duration_seconds`, help: `Time per ${server} request, by operation`, labelNames: ['operation'], buckets: [...LATENCY_BOUNDS], registers: [registry] });
  }

  /** Counts one finished request. */
  record(operation: string, status: number, seconds: number): void {
    this.requests.inc({ operation, status: String(status) });
    this.latency.observe({ operation }, seconds);
  }
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

/** The registry `gateway --metrics` and `webdav --metrics` serve: their requests and their volume client's counters. */
export function serverRegistry(server: 'gateway' | 'webdav', now: () => VolumeCounters): { registry: Registry; requests: HttpRequestMetrics } {
  const started = performance.now();
  const r = new SnapshotRegistry(now);
  const requests = new HttpRequestMetrics(r.registry, server);
  addVolumeFamilies(r);
  r.add({ name: 'slicefs_uptime_seconds', help: `Seconds since the ${server} started`, type: 'gauge' }, () => [{ value: (performance.now() - started) / 1000 }]);
  return { registry: r.registry, requests };
}
