import { CodedError } from './coded-error.js';

/**
 * The scheme of a URL (`sqlite3`, `file`, …), checked against the supported ones.
 * A malformed URL or an unknown scheme is a CodedError that lists what is supported.
 */
export function urlScheme(url: string, supported: readonly string[], kind: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  const list = supported.map((s) => `${s}://`).join(', ');
  if (!match) {
    throw new CodedError('ERR_BAD_URL', `${url}: not a ${kind} URL (expected one of ${list})`, { subject: url });
  }
  const scheme = match[1]!.toLowerCase();
  if (!supported.includes(scheme)) {
    throw new CodedError('ERR_UNKNOWN_SCHEME', `${url}: unknown ${kind} scheme '${scheme}' (supported: ${list})`, {
      subject: url,
    });
  }
  return scheme;
}

/** The part of a `scheme://rest` URL after `://`, without query string. */
export function urlBody(url: string): { body: string; query: URLSearchParams } {
  const rest = url.slice(url.indexOf('://') + 3);
  const q = rest.indexOf('?');
  return q < 0 ? { body: rest, query: new URLSearchParams() } : { body: rest.slice(0, q), query: new URLSearchParams(rest.slice(q + 1)) };
}

/** The URL with its password (S3 secret key, database password) replaced by `***`, for messages and reports. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?]*:)[^@/?]*@/i, '$1***@');
}
