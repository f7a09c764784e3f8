import type { VolumeMeta } from '../meta/volume-meta.js';
import { Staging } from '../vfs/staging.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Caller } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { DavError, statusOf } from './dav-error.js';
import { DavRequest } from './dav-request.js';
import { LockTable } from './locks.js';
import { copy, move } from './methods/copy-move.js';
import { get } from './methods/get.js';
import { lock, unlock } from './methods/lock.js';
import { propfind } from './methods/propfind.js';
import { proppatch } from './methods/proppatch.js';
import { put } from './methods/put.js';
import { ALLOWED, mkcol, options, remove } from './methods/simple.js';
import { send, XML_DECL, XML_TYPE } from './response.js';

/** How a WebDAV server runs. */
export interface DavServerOptions {
  /** The volume, through its vfs. */
  vfs: Vfs;
  /** The volume's metadata client: its session tags uploads in the staging area. */
  meta: VolumeMeta;
  /** The POSIX identity every request acts as (permission checks). */
  caller: Caller;
  /** Basic authentication: requests without these credentials get 401. None: no authentication. */
  credentials?: { user: string; password: string };
  /** One line per request (the access log). */
  accessLog?: (line: string) => void;
  /** Called once per finished request with its method (`OTHER` for unknown ones), status and duration. */
  onRequest?: (request: { operation: string; status: number; seconds: number }) => void;
  /** Server-side failures (5xx), with their stack. */
  errorLog?: (line: string) => void;
}

type Method = (r: DavRequest) => Promise<void>;
const METHODS: Record<string, Method> = {
  OPTIONS: options, GET: get, HEAD: get, PUT: put, DELETE: remove, MKCOL: mkcol, COPY: copy, MOVE: move,
  PROPFIND: propfind, PROPPATCH: proppatch, LOCK: lock, UNLOCK: unlock,
};

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A WebDAV (RFC 4918 class 1 and 2) server over a volume's vfs (docs/webdav.md). */
export class DavServer {
  private readonly locks = new LockTable();
  private readonly http: Server;
  private staging!: Staging;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  private constructor(private readonly options: DavServerOptions) {
    this.http = createServer({ requestTimeout: 0 }, (req, res) => void this.serve(req, res));
  }

  /** Starts a server listening on host:port (port 0: any free port). */
  static async listen(options: DavServerOptions & { host: string; port: number }): Promise<DavServer> {
    const server = new DavServer(options);
    server.staging = await Staging.open(options.vfs, options.meta, (line) => options.errorLog?.(line));
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(options.port, options.host, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** Where it listens. */
  address(): { host: string; port: number } {
    const a = this.http.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** Stops accepting connections and resolves once every request in flight has finished. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.http.closeIdleConnections();
    await closed;
  }

  /** The user a request authenticates as ('' without authentication); undefined when it fails. */
  private principal(req: IncomingMessage): string | undefined {
    const creds = this.options.credentials;
    if (!creds) return '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const ok = timingSafeEqual(digest(user), digest(creds.user)) && timingSafeEqual(digest(password), digest(creds.password));
    return ok ? user : undefined;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    const started = process.hrtime.bigint();
    let sent = 0;
    const write = res.write.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk) sent += Buffer.byteLength(chunk as string);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    const end = res.end.bind(res);
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') sent += Buffer.byteLength(chunk as string);
      return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
    }) as typeof res.end;
    const principal = this.principal(req);
    const done = () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.options.onRequest?.({ operation: METHODS[req.method ?? ''] ? req.method! : 'OTHER', status: res.statusCode, seconds: ms / 1000 });
      this.options.accessLog?.(
        `${req.socket.remoteAddress ?? '-'} ${principal || '-'} "${req.method} ${req.url}" ${res.statusCode} ${sent} ${ms.toFixed(1)}ms${res.writableFinished ? '' : ' (aborted)'}`,
      );
      if (--this.inFlight === 0 && this.idle) this.idle();
    };
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    try {
      if (principal === undefined) {
        return send(res, 401, { headers: { 'WWW-Authenticate': 'Basic realm="slicefs", charset="UTF-8"' }, body: 'authentication required\n', type: 'text/plain' });
      }
      const method = METHODS[req.method ?? ''];
      if (!method) return send(res, 501, { headers: { Allow: ALLOWED }, body: `${req.method} is not implemented\n`, type: 'text/plain' });
      const r = new DavRequest(req, res, { vfs: this.options.vfs, caller: this.options.caller, locks: this.locks, staging: this.staging, principal });
      await method(r);
    } catch (err) {
      const status = statusOf(err);
      if (status >= 500 && status !== 507) this.options.errorLog?.(`${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (status === 499) return void res.destroy();
      const message = (err as Error).message;
      if (err instanceof DavError && err.condition) {
        send(res, status, { body: `${XML_DECL}<D:error xmlns:D="DAV:"><D:${err.condition}/></D:error>\n`, type: XML_TYPE });
      } else {
        send(res, status, { body: `${message}\n`, type: 'text/plain; charset=utf-8' });
      }
      // An unread request body is drained by node:http before the connection is reused.
    } finally {
      // Logged (and counted as finished) once the handler is done, cleanup included, and the response is closed.
      await closed;
      done();
    }
  }
}
