import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Caller } from '../meta/types.js';
import type { VolumeMeta } from '../meta/volume-meta.js';
import type { Vfs } from '../vfs/vfs.js';
import { route } from './router.js';
import { s3Error, S3Error, toS3Error } from './s3-error.js';
import type { GatewayContext, S3Request } from './s3-request.js';
import { type Credentials, parseQuery, verifyRequest } from './sigv4.js';
import { Staging } from '../vfs/staging.js';
import { xmlDocument } from './xml.js';

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw s3Error('InvalidArgument', { message: 'the request path is not valid percent-encoding' });
  }
}

/** How a gateway serves. */
export interface GatewayOptions {
  credentials: Credentials;
  /** The POSIX identity every request acts as. */
  caller: Caller;
  host?: string;
  port?: number;
  /** Answered by GetBucketLocation; signatures of any region are accepted. */
  region?: string;
  /** HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /** One line per request. */
  accessLog?: (line: string) => void;
  /** Called once per finished request with its S3 operation (`GetObject`, …; the method when unrouted), status and duration. */
  onRequest?: (request: { operation: string; status: number; seconds: number }) => void;
  /** Failures and lifecycle messages. */
  log?: (line: string) => void;
}

/**
 * An S3-compatible HTTP server over a volume's vfs: top-level directories are buckets, keys are
 * paths below them. Requests are path-style and signed with AWS Signature Version 4.
 */
export class GatewayServer {
  private inFlight = 0;
  private stopping = false;
  private idle: (() => void) | undefined;

  private constructor(
    private readonly server: Server,
    private readonly gw: GatewayContext,
    private readonly options: GatewayOptions,
  ) {}

  /** Prepares the staging area and starts listening. */
  static async start(volume: { vfs: Vfs; meta: VolumeMeta }, options: GatewayOptions): Promise<GatewayServer> {
    const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
    const staging = await Staging.open(volume.vfs, volume.meta, log);
    const gw: GatewayContext = { vfs: volume.vfs, meta: volume.meta, caller: options.caller, staging, region: options.region ?? 'us-east-1', log };
    let self: GatewayServer | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => void self!.serve(req, res);
    const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
    server.keepAliveTimeout = 5000;
    // An upload may take as long as it takes (Node's default gives a whole request 300 s);
    // headers must still arrive within headersTimeout.
    server.requestTimeout = 0;
    self = new GatewayServer(server, gw, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 9000, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return self;
  }

  /** Where it listens. */
  get address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** Stops accepting connections, lets requests under way finish, then closes every connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.server.closeAllConnections();
    await closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    this.inFlight++;
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    const r = { req, res, method: req.method ?? 'GET', query: new Map<string, string>(), requestId: randomBytes(8).toString('hex').toUpperCase() } as S3Request;
    res.setHeader('x-amz-request-id', r.requestId);
    res.setHeader('server', 'slicefs');
    if (this.stopping) res.shouldKeepAlive = false;
    let operation = r.method;
    try {
      r.auth = verifyRequest({ method: r.method, rawPath, rawQuery, headers: req.headers }, { credentials: this.options.credentials });
      r.query = new Map(parseQuery(rawQuery));
      const segments = rawPath.split('/');
      if (segments[0] !== '') throw s3Error('InvalidRequest', { message: 'only path-style requests (/bucket/key) are accepted' });
      const bucket = decodePath(segments[1] ?? '');
      r.bucket = bucket || undefined;
      if (segments.length > 2) r.key = decodePath(segments.slice(2).join('/'));
      if (r.key === '') r.key = undefined;
      const handler = route(r);
      operation = r.method === 'HEAD' && handler.name === 'getObject' ? 'HeadObject' : handler.name.charAt(0).toUpperCase() + handler.name.slice(1);
      await handler(this.gw, r);
    } catch (err) {
      this.answerError(r, err);
    } finally {
      const done = () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        this.options.onRequest?.({ operation, status: res.statusCode, seconds: ms / 1000 });
        const shown = [...new URLSearchParams(rawQuery).keys()].filter((k) => !k.startsWith('X-Amz-')).join('&');
        this.options.accessLog?.(
          `${new Date().toISOString()} ${req.socket.remoteAddress ?? '-'} ${r.method} ${rawPath}${shown ? `?${shown}` : ''} ${res.statusCode} ${r.errorCode ?? '-'} ${res.getHeader('content-length') ?? '-'} ${ms.toFixed(1)}ms ${r.requestId}`,
        );
        if (--this.inFlight === 0 && this.idle) this.idle();
      };
      if (res.writableFinished || res.destroyed) done();
      else res.once('close', done);
    }
  }

  private answerError(r: S3Request, err: unknown): void {
    const e = err instanceof S3Error ? err : toS3Error(err);
    r.errorCode = e.code;
    if (e.code === 'InternalError') this.gw.log(`slicefs gateway: ${r.method} ${r.req.url?.split('?')[0]}: ${(err as Error)?.stack ?? String(err)}`);
    if (!r.req.complete) r.req.resume(); // drain what the client still sends, to answer on a live connection
    if (r.res.headersSent) {
      r.res.destroy();
      return;
    }
    if (e.status === 304 || r.method === 'HEAD') {
      r.res.writeHead(e.status, { 'x-amz-error-code': e.code });
      r.res.end();
      return;
    }
    const body = xmlDocument('Error', [['Code', e.code], ['Message', e.message], e.resource ? ['Resource', e.resource] : undefined, ['RequestId', r.requestId]]);
    r.res.writeHead(e.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    r.res.end(body);
  }
}
