import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../meta/types.js';
import type { VolumeMeta } from '../meta/volume-meta.js';
import type { Vfs } from '../vfs/vfs.js';
import type { Authorization } from './sigv4.js';
import type { Staging } from '../vfs/staging.js';

/** What every handler works with: the volume, the POSIX identity it acts as, and the staging area. */
export interface GatewayContext {
  vfs: Vfs;
  meta: VolumeMeta;
  caller: Caller;
  staging: Staging;
  region: string;
  log: (line: string) => void;
}

/** One authenticated S3 request, parsed: path-style `/bucket/key?query`. */
export interface S3Request {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  bucket?: string;
  key?: string;
  query: Map<string, string>;
  auth: Authorization;
  requestId: string;
  /** The S3 error code answered, for the access log. */
  errorCode?: string;
}

/** Answers with an XML document. */
export function sendXml(r: S3Request, body: string, status = 200): void {
  r.res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  r.res.end(body);
}

/** Answers with headers only. */
export function sendEmpty(r: S3Request, status: number, headers: Record<string, string | number> = {}): void {
  r.res.writeHead(status, { 'content-length': 0, ...headers });
  r.res.end();
}

/** S3's time format in XML (ISO 8601 with milliseconds). */
export const isoTime = (t: { sec: number; nsec: number }) => new Date(t.sec * 1000 + Math.floor(t.nsec / 1e6)).toISOString();
/** HTTP's time format (Last-Modified). */
export const httpTime = (t: { sec: number; nsec: number }) => new Date(t.sec * 1000).toUTCString();
