import { CodedError, redactUrl } from '../../../errors/index.js';

/** What a `redis://` or `rediss://` metadata URL says. */
export interface RedisUrl {
  /** The URL handed to the client: scheme, credentials, host, port and database, no query. */
  connect: string;
  /** The URL with the password masked, for messages. */
  display: string;
  /** Database number (the path), 0 when absent. */
  database: number;
  /** Prepended to every key, so several volumes can share one database. */
  prefix: string;
}

/** Parses `redis://[user:pass@]host:port/db[?prefix=NAME]` (and `rediss://` for TLS). */
export function parseRedisUrl(url: string): RedisUrl {
  const bad = (why: string) => new CodedError('ERR_BAD_URL', `${redactUrl(url)}: ${why}`, { subject: redactUrl(url) });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('not a valid redis:// URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw bad('expected redis:// or rediss://');
  if (!parsed.hostname) throw bad('no host');
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw bad(`database '${path}' is not a number`);
  for (const key of parsed.searchParams.keys()) {
    if (key !== 'prefix') throw bad(`unknown option '${key}' (supported: prefix)`);
  }
  const prefix = parsed.searchParams.get('prefix') ?? '';
  const connect = new URL(parsed.href);
  connect.search = '';
  return { connect: connect.href, display: redactUrl(url), database: path === '' ? 0 : Number(path), prefix };
}
