import type { IncomingHttpHeaders } from 'node:http';
import type { Attr } from '../meta/types.js';
import { s3Error } from './s3-error.js';

const header = (headers: IncomingHttpHeaders, name: string) => {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
};

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag.replace(/^"|"$/g, '') === etag;
  });
}

/** Seconds since the epoch of an HTTP date header, or undefined when absent or malformed (then ignored, as HTTP says). */
function httpDate(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * The conditional headers of RFC 9110 §13 as S3 applies them, with an object's ETag and mtime.
 * `prefix` is '' for GET/HEAD and 'x-amz-copy-source-' for a copy's source. A failed If-Match
 * or If-Unmodified-Since is PreconditionFailed (412); a read whose If-None-Match or
 * If-Modified-Since says "unchanged" is NotModified (304, a copy's source: 412).
 */
export function checkConditions(headers: IncomingHttpHeaders, spec: { attr: Attr; etag: string; prefix?: string }): void {
  const p = spec.prefix ?? '';
  const ifMatch = header(headers, `${p}if-match`);
  const ifNoneMatch = header(headers, `${p}if-none-match`);
  const modified = spec.attr.mtime.sec;
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, spec.etag)) throw s3Error('PreconditionFailed');
  } else {
    const since = httpDate(header(headers, `${p}if-unmodified-since`));
    if (since !== undefined && modified > since) throw s3Error('PreconditionFailed');
  }
  const unchanged = p ? 'PreconditionFailed' : 'NotModified';
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, spec.etag)) throw s3Error(unchanged);
  } else {
    const since = httpDate(header(headers, `${p}if-modified-since`));
    if (since !== undefined && modified <= since) throw s3Error(unchanged);
  }
}

/**
 * The byte range a Range header asks for (one range; anything else reads the whole object,
 * as HTTP allows); InvalidRange when it starts past the end.
 */
export function parseRange(text: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = text === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw s3Error('InvalidRange');
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) throw s3Error('InvalidRange', { message: `The requested range is not satisfiable (object size ${size})` });
  return { start, end };
}
