import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { DavError } from './dav-error.js';

/** The status line text of a propstat or response (`HTTP/1.1 404 Not Found`). */
export const statusLine = (status: number) => `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`;

export const XML_TYPE = 'application/xml; charset=utf-8';
export const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n';

/** Ends a response with a status and an optional body (Content-Length set). */
export function send(res: ServerResponse, status: number, options: { body?: string | Buffer; type?: string; headers?: Record<string, string> } = {}): void {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  res.statusCode = status;
  for (const [k, v] of Object.entries(options.headers ?? {})) res.setHeader(k, v);
  if (body && options.type) res.setHeader('Content-Type', options.type);
  res.setHeader('Content-Length', String(body?.length ?? 0));
  res.end(body);
}

/**
 * Writes one piece of a streamed body, waiting for the socket to drain when its buffer is full
 * (back-pressure); fails when the client has gone away, so the producer stops.
 */
export async function writeChunk(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (res.destroyed) throw new DavError(499, 'client went away');
  if (res.write(chunk)) return;
  const ac = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: ac.signal }), once(res, 'close', { signal: ac.signal }).then(() => {
      throw new DavError(499, 'client went away');
    })]);
  } finally {
    ac.abort();
  }
}
