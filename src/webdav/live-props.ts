import type { Attr, Timespec } from '../meta/types.js';
import { escapeXml } from './xml.js';
import type { DavLock } from './locks.js';

/** A strong entity tag: changes whenever the content or the inode behind the name changes. */
export function etagOf(attr: Attr): string {
  return `"${attr.ino.toString(16)}-${attr.mtime.sec.toString(16)}.${attr.mtime.nsec.toString(16)}-${attr.length.toString(16)}"`;
}

const toDate = (t: Timespec) => new Date(t.sec * 1000 + Math.floor(t.nsec / 1e6));

/** Last-Modified / getlastmodified (RFC 1123 date). */
export function lastModified(attr: Attr): string {
  return toDate(attr.mtime).toUTCString();
}

const TYPES: Record<string, string> = {
  txt: 'text/plain', html: 'text/html', htm: 'text/html', css: 'text/css', js: 'text/javascript', json: 'application/json',
  xml: 'application/xml', csv: 'text/csv', md: 'text/markdown', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg',
  gif: 'image/gif', svg: 'image/svg+xml', pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip',
  tar: 'application/x-tar', mp4: 'video/mp4', mp3: 'audio/mpeg', wasm: 'application/wasm', parquet: 'application/vnd.apache.parquet',
};

/** A content type guessed from the name's extension (application/octet-stream otherwise). */
export function contentTypeOf(path: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  return (m && TYPES[m[1]!.toLowerCase()]) ?? 'application/octet-stream';
}

/** The live {DAV:} properties this server computes; none can be set by PROPPATCH. */
export const LIVE_PROPS = ['creationdate', 'getcontentlength', 'getcontenttype', 'getetag', 'getlastmodified', 'resourcetype', 'supportedlock', 'lockdiscovery'] as const;
export type LiveProp = (typeof LIVE_PROPS)[number];

/** One <D:activelock> element. */
export function activeLockXml(lock: DavLock, href: string): string {
  return (
    `<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope><D:${lock.scope}/></D:lockscope>` +
    `<D:depth>${lock.depth === '0' ? '0' : 'infinity'}</D:depth>${lock.owner ? `<D:owner>${lock.owner}</D:owner>` : ''}` +
    `<D:timeout>Second-${Math.max(0, Math.round((lock.expires - Date.now()) / 1000))}</D:timeout>` +
    `<D:locktoken><D:href>${escapeXml(lock.token)}</D:href></D:locktoken>` +
    `<D:lockroot><D:href>${escapeXml(href)}</D:href></D:lockroot></D:activelock>`
  );
}

/** The value (inner XML) of a live property of a resource, or undefined when it has none. */
export function liveValue(name: LiveProp, r: { path: string; attr: Attr; locks: Array<{ lock: DavLock; href: string }> }): string | undefined {
  const { attr } = r;
  const isDir = attr.type === 'dir';
  switch (name) {
    case 'creationdate':
      return toDate(attr.ctime).toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'getcontentlength':
      return isDir ? undefined : String(attr.length);
    case 'getcontenttype':
      return isDir ? undefined : contentTypeOf(r.path);
    case 'getetag':
      return isDir ? undefined : escapeXml(etagOf(attr));
    case 'getlastmodified':
      return lastModified(attr);
    case 'resourcetype':
      return isDir ? '<D:collection/>' : '';
    case 'supportedlock':
      return ['exclusive', 'shared'].map((s) => `<D:lockentry><D:lockscope><D:${s}/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>`).join('');
    case 'lockdiscovery':
      return r.locks.map(({ lock, href }) => activeLockXml(lock, href)).join('');
  }
}
