import { CodedError } from '../../errors/index.js';
import { parseSize } from '../../sdk/sizes.js';
import type { DavServer } from '../../webdav/server.js';
import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';
import { wholeNumber } from '../whole-number.js';

/** `host:port`, `:port` or `[v6]:port` → host and port (usage error otherwise). */
export function parseAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new CodedError('ERR_BAD_OPTION', `ADDRESS: '${address}' is not HOST:PORT`, { subject: 'ADDRESS' });
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export const webdav: CommandDefinition = {
  name: 'webdav',
  args: '<META_URL> [ADDRESS]',
  summary: 'serve a volume over WebDAV (class 1 and 2) at ADDRESS (default 127.0.0.1:8080); COPY is a clone',
  options: [
    { flags: '--user <NAME>', description: 'basic authentication user (or SLICEFS_WEBDAV_USER); with --password, requests must authenticate' },
    { flags: '--password <PASSWORD>', description: 'basic authentication password (or SLICEFS_WEBDAV_PASSWORD, which keeps it out of ps)' },
    { flags: '--uid <UID>', description: 'the POSIX user every request acts as (default: this process\'s)' },
    { flags: '--gid <GID>', description: 'the POSIX group every request acts as (default: this process\'s)' },
    { flags: '--umask <OCTAL>', description: 'bits cleared from the mode of created files and collections', default: '022' },
    { flags: '--cache-size <SIZE>', description: 'block cache for reads', default: '256M' },
    { flags: '--cache-dir <DIR>', description: 'also keep blocks on local disk in DIR, as mount --cache-dir (shareable with mounts)' },
    { flags: '--cache-dir-size <SIZE>', description: 'with --cache-dir: bytes kept there', default: '10G' },
    { flags: '--metrics <ADDRESS>', description: 'serve Prometheus metrics at http://ADDRESS/metrics (HOST:PORT, :PORT or PORT; port 0 picks one)' },
    { flags: '--quiet', description: 'no access log (one line per request on stderr otherwise)', default: false },
  ],
  examples: [
    'slicefs webdav sqlite3://./data/vol.db',
    'SLICEFS_WEBDAV_USER=alice SLICEFS_WEBDAV_PASSWORD=secret slicefs webdav redis://127.0.0.1:6379/1 0.0.0.0:8080 --uid 1000 --gid 1000',
    'slicefs webdav sqlite3://./data/vol.db --metrics 127.0.0.1:9569',
  ],
  async run([metaUrl, address], o, io) {
    const { host, port } = parseAddress(address ?? '127.0.0.1:8080');
    const user = (o.user as string | undefined) ?? process.env.SLICEFS_WEBDAV_USER;
    const password = (o.password as string | undefined) ?? process.env.SLICEFS_WEBDAV_PASSWORD;
    if ((user === undefined) !== (password === undefined)) {
      throw new CodedError('ERR_BAD_OPTION', '--user and --password (or SLICEFS_WEBDAV_USER and SLICEFS_WEBDAV_PASSWORD) go together', { subject: user === undefined ? '--user' : '--password' });
    }
    if (!/^[0-7]{1,4}$/.test(String(o.umask))) throw new CodedError('ERR_BAD_OPTION', `--umask: '${o.umask}' is not an octal mode`, { subject: '--umask' });
    const uid = o.uid === undefined ? process.getuid?.() ?? 0 : wholeNumber(o.uid, '--uid', 0);
    const gid = o.gid === undefined ? process.getgid?.() ?? 0 : wholeNumber(o.gid, '--gid', 0);
    const caller = { uid, gid, gids: o.gid === undefined && o.uid === undefined ? process.getgroups?.() ?? [] : [], umask: parseInt(String(o.umask), 8) };
    const cacheSize = parseSize(o.cacheSize as string, '--cache-size');
    const cacheDirSize = parseSize(o.cacheDirSize as string, '--cache-dir-size');
    const cacheDir = o.cacheDir as string | undefined;
    const [{ Volume, volumeCounters, VolumeMetrics }, { parseMetricsAddress, serveMetrics, serverRegistry }, { DavServer }] = await Promise.all([
      loadSdk(), import('../../sdk/metrics-endpoint.js'), import('../../webdav/server.js'),
    ]);
    const metricsAt = o.metrics as string | undefined;
    if (metricsAt !== undefined) parseMetricsAddress(metricsAt);
    const log = (line: string) => void io.err.write(`${line}\n`);
    const counters = new VolumeMetrics();
    const volume = await Volume.open(metaUrl!, { program: 'slicefs webdav', cacheSize, cacheDir, cacheDirSize, caller, log, metrics: counters });
    const metrics = metricsAt === undefined ? undefined : serverRegistry('webdav', () => volumeCounters(volume.vfs, counters));
    let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | undefined;
    let server: DavServer | undefined;
    try {
      // Listening first: an address in use fails the command before WebDAV serves anything.
      if (metrics) metricsServer = await serveMetrics(metricsAt!, metrics.registry);
      server = await DavServer.listen({
        vfs: volume.vfs,
        meta: volume.meta,
        caller,
        host,
        port,
        credentials: user === undefined ? undefined : { user, password: password! },
        accessLog: o.quiet ? undefined : log,
        errorLog: (line) => log(`slicefs webdav: ${line}`),
        onRequest: metrics && ((q) => metrics.requests.record(q.operation, q.status, q.seconds)),
      });
      const at = server.address();
      const shown = at.host.includes(':') ? `[${at.host}]` : at.host;
      log(`slicefs: serving volume ${volume.settings.name} over WebDAV at http://${shown}:${at.port}/ as uid ${uid} gid ${gid}${user === undefined ? ' (no authentication)' : ''} (pid ${process.pid})`);
      if (metricsServer) log(`slicefs: metrics at ${metricsServer.url}`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        const on = (s: NodeJS.Signals) => {
          process.off('SIGINT', on);
          process.off('SIGTERM', on);
          resolve(s);
        };
        process.on('SIGINT', on);
        process.on('SIGTERM', on);
      });
      log(`slicefs webdav: ${signal}: finishing requests in flight`);
      await server.close();
    } finally {
      await server?.close().catch(() => undefined);
      metricsServer?.server.close();
      await volume.close();
    }
    log('slicefs webdav: stopped');
  },
};
