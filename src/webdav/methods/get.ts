import type { Attr } from '../../meta/types.js';
import { O_RDONLY } from '../../vfs/open-flags.js';
import type { DavRequest } from '../dav-request.js';
import { hrefOf, isUploadName } from '../dav-path.js';
import { contentTypeOf, etagOf, lastModified } from '../live-props.js';
import { send, writeChunk } from '../response.js';
import { escapeXml } from '../xml.js';

const PIECE = 1 << 20;

/** The one byte range a Range header asks for, 'unsatisfiable', or undefined for the whole body (absent, several ranges, or not bytes). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header && /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined; // syntactically invalid: ignored (RFC 9110 §14.2)
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** 304/412 from If-None-Match, If-Match and If-Modified-Since, or undefined to go on. */
function conditional(r: DavRequest, attr: Attr): number | undefined {
  const etag = etagOf(attr);
  const list = (h: string) => h.split(',').map((s) => s.trim().replace(/^W\//, ''));
  const ifMatch = r.header('if-match');
  if (ifMatch && !list(ifMatch).some((e) => e === '*' || e === etag)) return 412;
  const ifNoneMatch = r.header('if-none-match');
  if (ifNoneMatch) return list(ifNoneMatch).some((e) => e === '*' || e === etag) ? 304 : undefined;
  const since = r.header('if-modified-since');
  if (since && !Number.isNaN(Date.parse(since)) && attr.mtime.sec <= Date.parse(since) / 1000) return 304;
  return undefined;
}

async function listing(r: DavRequest, attr: Attr, head: boolean): Promise<void> {
  const rows: string[] = [];
  let after: Buffer | undefined;
  do {
    const page = await r.vfs.readdir(r.caller, attr.ino, { after });
    for (const e of page.entries) {
      const name = e.name.toString();
      const path = r.target.path === '/' ? `/${name}` : `${r.target.path}/${name}`;
      if (isUploadName(path)) continue;
      rows.push(`<li><a href="${escapeXml(hrefOf(path, e.type === 'dir'))}">${escapeXml(name)}${e.type === 'dir' ? '/' : ''}</a></li>`);
    }
    after = page.next;
  } while (after && rows.length < 100_000);
  const body = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeXml(r.target.path)}</title></head><body><ul>\n${rows.join('\n')}\n</ul></body></html>\n`;
  if (head) {
    r.res.setHeader('Content-Type', 'text/html; charset=utf-8');
    r.res.setHeader('Content-Length', String(Buffer.byteLength(body)));
    r.res.end();
  } else send(r.res, 200, { body, type: 'text/html; charset=utf-8' });
}

/** GET and HEAD: a file's bytes (one range at most, streamed with back-pressure), or a collection's HTML listing. */
export async function get(r: DavRequest): Promise<void> {
  const head = r.req.method === 'HEAD';
  const attr = await r.mustStat();
  if (attr.type === 'dir') return listing(r, attr, head);
  const status = conditional(r, attr);
  const headers = { ETag: etagOf(attr), 'Last-Modified': lastModified(attr), 'Accept-Ranges': 'bytes' };
  if (status) return send(r.res, status, { headers });
  const { handle } = await r.vfs.open(r.caller, attr.ino, O_RDONLY); // read permission
  try {
    let range = parseRange(r.header('range'), attr.length);
    const ifRange = r.header('if-range');
    if (range && ifRange && ifRange.trim() !== headers.ETag && ifRange.trim() !== headers['Last-Modified']) range = undefined;
    if (range === 'unsatisfiable') return send(r.res, 416, { headers: { ...headers, 'Content-Range': `bytes */${attr.length}` } });
    const { start, end } = range ?? { start: 0, end: attr.length - 1 };
    r.res.statusCode = range ? 206 : 200;
    for (const [k, v] of Object.entries(headers)) r.res.setHeader(k, v);
    r.res.setHeader('Content-Type', contentTypeOf(r.target.path));
    r.res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
    if (range) r.res.setHeader('Content-Range', `bytes ${start}-${end}/${attr.length}`);
    if (head) return void r.res.end();
    for (let offset = start; offset <= end; ) {
      const piece = await r.vfs.read(handle.fh, offset, Math.min(PIECE, end - offset + 1));
      if (piece.length === 0) break;
      await writeChunk(r.res, piece);
      offset += piece.length;
    }
    r.res.end();
  } finally {
    await r.vfs.release(handle.fh).catch(() => undefined);
  }
}

