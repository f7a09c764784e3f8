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
    { flags: '--access-log <FILE>', description: "where the access log goes, one line per request ('-': stderr)", default: '-' },
  ],
  examples: [
    'SLICEFS_ACCESS_KEY=admin SLICEFS_SECRET_KEY=secret123 slicefs gateway sqlite3://./data/slicefs.db',
    'slicefs gateway redis://127.0.0.1:6379/1 0.0.0.0:9000 --uid 1000 --gid 1000 --tls-cert cert.pem --tls-key key.pem',
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
    const log = (line: string) => void io.err.write(`${line}\n`);
    const accessStream = o.accessLog === '-' ? undefined : createWriteStream(o.accessLog as string, { flags: 'a' });
    const accessLog = accessStream ? (line: string) => void accessStream.write(`${line}\n`) : log;
    const [{ Volume }, { GatewayServer }] = await Promise.all([loadSdk(), import('../../gateway/server.js')]);
    const volume = await Volume.open(metaUrl!, { program: 'slicefs gateway', cacheSize, log });
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
      server = await GatewayServer.start(volume, { credentials, caller, host, port, region: o.region as string, tls, accessLog, log });
      for (const s of SIGNALS) process.on(s, onSignal);
      const a = server.address;
      log(`slicefs: gateway for volume ${volume.settings.name} at ${tls ? 'https' : 'http'}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port} (pid ${process.pid})`);
      await done;
    } finally {
      for (const s of SIGNALS) process.off(s, onSignal);
      await volume.close();
      accessStream?.end();
    }
    log('slicefs: gateway stopped');
  },
};
