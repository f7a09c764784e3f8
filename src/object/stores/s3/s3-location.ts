import { CodedError, redactUrl } from '../../../errors/index.js';

/** Where an `s3://` URL points and how to reach it. */
export interface S3Location {
  bucket: string;
  /** Key prefix inside the bucket, ending in `/`, or '' for the whole bucket. */
  prefix: string;
  /** Endpoint of an S3-compatible service; undefined for AWS. */
  endpoint: string | undefined;
  region: string;
  /** Address buckets as `endpoint/bucket` rather than `bucket.endpoint`. */
  pathStyle: boolean;
  /** Keys from the URL; undefined means the SDK's default chain (AWS_ACCESS_KEY_ID, …). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Connections kept open per protocol; more requests wait for one. */
  maxSockets: number;
  /** The URL without its secret, for display. */
  displayUrl: string;
}

const PARAMS = ['endpoint', 'region', 'path-style', 'max-sockets'];
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const bad = (url: string, why: string) => new CodedError('ERR_BAD_URL', `${url}: ${why}`, { subject: url });

function flag(url: string, name: string, value: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw bad(url, `${name}=${value} is not true or false`);
}

/**
 * Parses `s3://[KEY:SECRET@]BUCKET[/PREFIX][?endpoint=URL&region=R&path-style=true&max-sockets=N]`.
 * Path style is the default with an endpoint (S3-compatible services on an address), not without.
 */
export function parseS3Location(url: string): S3Location {
  const display = redactUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad(display, 'not a valid s3:// URL');
  }
  const bucket = decodeURIComponent(u.hostname);
  if (!BUCKET.test(bucket)) throw bad(display, `'${bucket}' is not a bucket name (3-63 of a-z, 0-9, '.' and '-')`);
  const unknown = [...u.searchParams.keys()].filter((k) => !PARAMS.includes(k));
  if (unknown.length) throw bad(display, `unknown parameter ${unknown.join(', ')} (known: ${PARAMS.join(', ')})`);
  const q = u.searchParams;
  const endpoint = q.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+\/?$/.test(endpoint)) throw bad(display, `endpoint=${endpoint} is not http(s)://host[:port]`);
  const maxSockets = Number(q.get('max-sockets') ?? 64);
  if (!Number.isInteger(maxSockets) || maxSockets < 1) throw bad(display, `max-sockets=${q.get('max-sockets')} is not a positive integer`);
  const path = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, '');
  if (path.split('/').some((p) => p === '.' || p === '..' || (p === '' && path !== ''))) throw bad(display, `'${path}' is not a key prefix`);
  const prefix = path ? `${path}/` : '';
  const user = decodeURIComponent(u.username);
  const credentials = user ? { accessKeyId: user, secretAccessKey: decodeURIComponent(u.password) } : undefined;
  return {
    bucket,
    prefix,
    endpoint,
    region: q.get('region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    pathStyle: q.has('path-style') ? flag(display, 'path-style', q.get('path-style')!) : endpoint !== undefined,
    credentials,
    maxSockets,
    displayUrl: display,
  };
}
