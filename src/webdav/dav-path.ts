import { MAX_NAME_BYTES } from '../meta/types.js';

import { STAGING_DIR } from '../vfs/staging-leftovers.js';

/** The staging area (uploads and copies being built, shared with the S3 gateway): hidden from clients and refused as a target. */
const STAGING_PATH = `/${STAGING_DIR}`;

/** A request URI or Destination the server cannot map to a volume path (a 400 for the client). */
export class BadPathError extends Error {}

/** A resource: its volume path ('/' or '/a/b', no trailing slash) and its components. */
export interface DavPath {
  path: string;
  parts: string[];
}

/**
 * The volume path a request URI (or an absolute URI: Destination, tagged If lists) names.
 * Only the path is taken: the query goes, and `#` is an ordinary character of a name (a
 * request URI carries no fragment). `.`/`..` segments, NUL bytes and over-long names are refused
 * rather than resolved, so no URI reaches outside the volume or somewhere its text does not say.
 */
export function davPath(uri: string): DavPath {
  let rest = uri;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length) || '/';
  if (!rest.startsWith('/')) throw new BadPathError(`not an absolute path: ${uri.slice(0, 80)}`);
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  const parts: string[] = [];
  for (const raw of rest.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw new BadPathError(`bad percent-encoding in ${raw.slice(0, 80)}`);
    }
    if (seg === '.' || seg === '..') throw new BadPathError(`'${seg}' segments are not allowed`);
    if (seg.includes('\0') || seg.includes('/')) throw new BadPathError('a name contains NUL or an encoded /');
    if (Buffer.byteLength(seg) > MAX_NAME_BYTES) throw new BadPathError(`name longer than ${MAX_NAME_BYTES} bytes`);
    parts.push(seg);
  }
  return { path: `/${parts.join('/')}`, parts };
}

/** The authority of an absolute URI, or undefined for a path. */
export function uriAuthority(uri: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/]*)/.exec(uri)?.[1];
}

/** The href of a volume path: each name percent-encoded, collections ending in '/'. */
export function hrefOf(path: string, collection: boolean): string {
  const enc = path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%40/g, '@').replace(/%3A/g, ':').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
  return collection && !enc.endsWith('/') ? `${enc}/` : enc;
}

/** The parent path of a non-root path. */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** True when `inner` is `outer` or below it. */
export function isWithinPath(inner: string, outer: string): boolean {
  return inner === outer || outer === '/' || inner.startsWith(`${outer}/`);
}

/** True when the path is in the staging area (uploads and copies in progress). */
export function isUploadName(path: string): boolean {
  return path === STAGING_PATH || path.startsWith(`${STAGING_PATH}/`);
}
