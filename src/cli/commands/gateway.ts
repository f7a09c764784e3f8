import { createWriteStream, readFileSync } from 'node:fs';
import { CodedError } from '../../errors/index.js';
import type { GatewayServer } from '../../gateway/server.js';
import { parseSize } from '../../sdk/sizes.js';
import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';
import { wholeNumber } from '../whole-number.js';

/** Environment variables the credentials come from when the flags are not given. */
export const ACCESS_KEY_ENV = 'SLICEFS_ACCESS_KEY';
export const SECRET_KEY_ENV = 'SLICEFS_SECRET_KEY';

/** `HOST:PORT`, `[V6]:PORT`, `:PORT` or `PORT`. */
export function parseAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new CodedError('ERR_BAD_OPTION', `ADDRESS: '${text}' is not HOST:PORT`, { subject: 'ADDRESS' });
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

function credential(o: Record<string, unknown>, flag: 'accessKey' | 'secretKey', env: string): string {
  const value = (o[flag] as string | undefined) ?? process.env[env];
  const option = flag === 'accessKey' ? '--access-key' : '--secret-key';
  if (!value) throw new CodedError('ERR_BAD_OPTION', `${option}: no credentials: give ${option} or set ${env}`, { subject: option });
  return value;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export const gateway: CommandDefinition = {
  name: 'gateway',
  args: '<META_URL> [ADDRESS]',
  summary: 'serve a volume over the S3 protocol (top-level directories are buckets) until SIGTERM',
  options: [
    { flags: '--access-key <KEY>', description: `access key clients sign with (default: $${ACCESS_KEY_ENV})` },
    { flags: '--secret-key <KEY>', description: `secret key (default: $${SECRET_KEY_ENV}; prefer it: flags show in ps)` },
    { flags: '--uid <UID>', description: 'POSIX user every request acts as (default: this process)' },
    { flags: '--gid <GID>', description: 'POSIX group every request acts as (default: this process)' },
    { flags: '--umask <MODE>', description: 'mode bits cleared from created files and directories (octal)', default: '022' },
    { flags: '--region <NAME>', description: 'region GetBucketLocation answers', default: 'us-east-1' },
    { flags: '--tls-cert <FILE>', description: 'serve HTTPS with this certificate (PEM), with --tls-key' },
    { flags: '--tls-key <FILE>', description: 'private key (PEM) of --tls-cert' },
    { flags: '--cache-size <SIZE>', description: 'block cache for reads', default: '256M' },
    { flags: '--cache-dir <DIR>', description: 'also keep blocks on local disk in DIR, as mount --cache-dir (shareable with mounts)' },
    { flags: '--cache-dir-size <SIZE>', description: 'with --cache-dir: bytes kept there', default: '10G' },
    { flags: '--metrics <ADDRESS>', description: 'serve Prometheus metrics at http://ADDRESS/metrics (HOST:PORT, :PORT or PORT; port 0 picks one)' },
    { flags: '--access-log <FILE>', description: "where the access log goes, one line per request ('-': stderr)", default: '-' },
  ],
  examples: [
    'SLICEFS_ACCESS_KEY=admin SLICEFS_SECRET_KEY=secret123 slicefs gateway sqlite3://./data/slicefs.db',
    'slicefs gateway redis://127.0.0.1:6379/1 0.0.0.0:9000 --uid 1000 --gid 1000 --tls-cert cert.pem --tls-key key.pem',
    'slicefs gateway sqlite3://./data/slicefs.db --metrics 127.0.0.1:9568',
    'aws --endpoint-url http://127.0.0.1:9000 s3 ls',
  ],
  async run([metaUrl, address], o, io) {
    const credentials = { accessKey: credential(o, 'accessKey', ACCESS_KEY_ENV), secretKey: credential(o, 'secretKey', SECRET_KEY_ENV) };
    const { host, port } = parseAddress(address ?? '127.0.0.1:9000');
    const umask = /^[0-7]{1,4}$/.test(String(o.umask)) ? parseInt(String(o.umask), 8) : NaN;
    if (Number.isNaN(umask)) throw new CodedError('ERR_BAD_OPTION', `--umask: '${o.umask}' is not an octal mode`, { subject: '--umask' });
    const caller = {
      uid: o.uid === undefined ? (process.getuid?.() ?? 0) : wholeNumber(o.uid, '--uid', 0),
      gid: o.gid === undefined ? (process.getgid?.() ?? 0) : wholeNumber(o.gid, '--gid', 0),
      gids: [],
      umask,
    };
    if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new CodedError('ERR_BAD_OPTION', '--tls-cert and --tls-key go together', { subject: '--tls-cert' });
    const tls = o.tlsCert ? { cert: readFileSync(o.tlsCert as string), key: readFileSync(o.tlsKey as string) } : undefined;
    const cacheSize = parseSize(o.cacheSize as string, '--cache-size');
    const cacheDirSize = parseSize(o.cacheDirSize as string, '--cache-dir-size');
    const cacheDir = o.cacheDir as string | undefined;
    const [{ Volume, volumeCounters, VolumeMetrics }, { parseMetricsAddress, serveMetrics, serverRegistry }, { GatewayServer }] = await Promise.all([
      loadSdk(), import('../../sdk/metrics-endpoint.js'), import('../../gateway/server.js'),
    ]);
    const metricsAt = o.metrics as string | undefined;
    if (metricsAt !== undefined) parseMetricsAddress(metricsAt);
    const log = (line: string) => void io.err.write(`${line}\n`);
    const accessStream = o.accessLog === '-' ? undefined : createWriteStream(o.accessLog as string, { flags: 'a' });
    const accessLog = accessStream ? (line: string) => void accessStream.write(`${line}\n`) : log;
    const counters = new VolumeMetrics();
    const volume = await Volume.open(metaUrl!, { program: 'slicefs gateway', cacheSize, cacheDir, cacheDirSize, log, metrics: counters });
    const metrics = metricsAt === undefined ? undefined : serverRegistry('gateway', () => volumeCounters(volume.vfs, counters));
    let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | undefined;
    let server: GatewayServer | undefined;
    let stopped: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (stopped = resolve));
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`slicefs gateway: ${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      log(`slicefs gateway: ${signal}: finishing requests under way, then stopping`);
      void server?.stop().then(stopped, stopped);
    };
    try {
      // Listening first: an address in use fails the command before the gateway serves anything.
      if (metrics) metricsServer = await serveMetrics(metricsAt!, metrics.registry);
      const onRequest = metrics && ((q: { operation: string; status: number; seconds: number }) => metrics.requests.record(q.operation, q.status, q.seconds));
      server = await GatewayServer.start(volume, { credentials, caller, host, port, region: o.region as string, tls, accessLog, log, onRequest });
      for (const s of SIGNALS) process.on(s, onSignal);
      const a = server.address;
      log(`slicefs: gateway for volume ${volume.settings.name} at ${tls ? 'https' : 'http'}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port} (pid ${process.pid})`);
      if (metricsServer) log(`slicefs: metrics at ${metricsServer.url}`);
      await done;
    } finally {
      for (const s of SIGNALS) process.off(s, onSignal);
      metricsServer?.server.close();
      await volume.close();
      accessStream?.end();
    }
    log('slicefs: gateway stopped');
  },
};
