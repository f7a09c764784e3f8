import type { Staging } from '../vfs/staging.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FsError, isFsError } from '../errors/index.js';
import type { Attr, Caller } from '../meta/types.js';
import { parentDirectory, statPath } from '../vfs/paths.js';
import type { Vfs } from '../vfs/vfs.js';
import { DavError } from './dav-error.js';
import { BadPathError, davPath, type DavPath, isUploadName, parentPath, uriAuthority } from './dav-path.js';
import { etagOf } from './live-props.js';
import { IfHeaderError, ifHolds, type IfList, parseIfHeader, type IfResourceState, submittedTokens } from './if-header.js';
import type { DavLock, LockTable } from './locks.js';
import { parseXml, XmlError, type XmlElement } from './xml.js';

/** What every request of one server shares. */
export interface DavShared {
  vfs: Vfs;
  caller: Caller;
  locks: LockTable;
  /** Where uploads and copies are built before they appear (shared with the S3 gateway). */
  staging: Staging;
}

/** The largest XML body accepted (PROPFIND, PROPPATCH, LOCK). */
const MAX_XML_BODY = 1 << 20;

/** One request being served: its target, its caller, and the checks write methods share. */
export class DavRequest {
  readonly target: DavPath;
  private ifLists: IfList[] | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly shared: DavShared & { principal: string },
  ) {
    this.target = DavRequest.path(req.url ?? '/');
  }

  /** The volume path of a URI, 400 when it cannot be one; a name the server keeps for uploads is refused (403). */
  static path(uri: string): DavPath {
    try {
      const p = davPath(uri);
      if (isUploadName(p.path)) throw new DavError(403, `${p.path}: the name is reserved for uploads in progress`);
      return p;
    } catch (err) {
      if (err instanceof BadPathError) throw new DavError(400, err.message);
      throw err;
    }
  }

  get vfs(): Vfs {
    return this.shared.vfs;
  }
  get caller(): Caller {
    return this.shared.caller;
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  /** The resource at a path, or undefined when nothing is there (uploads in progress are not there). */
  async stat(path: string): Promise<Attr | undefined> {
    return statPath(this.vfs, this.caller, path);
  }

  /** The collection that holds `path`: 409 Conflict when it does not exist (RFC 4918 §9.3.1, §9.7.1). */
  async parentOf(path: string): Promise<{ parent: Attr; name: Buffer }> {
    try {
      return await parentDirectory(this.vfs, this.caller, path);
    } catch (err) {
      if (isFsError(err, 'ENOENT') || isFsError(err, 'ENOTDIR')) throw new DavError(409, `${parentPath(path)}: no such collection`);
      throw err;
    }
  }

  /** True when the request carries a body (a Content-Length above 0 or a chunked body). */
  hasBody(): boolean {
    const length = this.header('content-length');
    return (length !== undefined && length !== '0') || this.header('transfer-encoding') !== undefined;
  }

  /** The whole body, at most `limit` bytes (413 beyond). */
  async body(limit = MAX_XML_BODY): Promise<Buffer> {
    const pieces: Buffer[] = [];
    let n = 0;
    for await (const piece of this.req as AsyncIterable<Buffer>) {
      n += piece.length;
      if (n > limit) throw new DavError(413, `request body over ${limit} bytes`);
      pieces.push(piece);
    }
    return Buffer.concat(pieces);
  }

  /** The XML body's root element, undefined for an empty body; 400 when it is not well-formed. */
  async xml(): Promise<XmlElement | undefined> {
    const raw = await this.body();
    if (raw.length === 0 || /^\s*$/.test(raw.toString('latin1'))) return undefined;
    const text = raw.toString('utf8');
    if (text.includes('\uFFFD')) throw new DavError(400, 'request body is not UTF-8');
    try {
      return parseXml(text);
    } catch (err) {
      if (err instanceof XmlError) throw new DavError(400, `malformed XML body: ${err.message}`);
      throw err;
    }
  }

  /** The Destination header's volume path (COPY, MOVE): 400 when absent or bad, 502 for another server. */
  destination(): DavPath {
    const dest = this.header('destination');
    if (!dest) throw new DavError(400, 'no Destination header');
    const authority = uriAuthority(dest);
    if (authority !== undefined && this.header('host') !== undefined && authority.toLowerCase() !== this.header('host')!.toLowerCase()) {
      throw new DavError(502, `Destination ${dest.slice(0, 80)} is on another server`);
    }
    return DavRequest.path(dest);
  }

  /** The Depth header: '0', '1' or 'infinity' (the default given when absent); 400 otherwise. */
  depth(fallback: '0' | '1' | 'infinity'): '0' | '1' | 'infinity' {
    const d = this.header('depth')?.trim().toLowerCase();
    if (d === undefined) return fallback;
    if (d === '0' || d === '1' || d === 'infinity') return d;
    throw new DavError(400, `bad Depth header ${d}`);
  }

  /** The Overwrite header: true unless 'F'. */
  overwrite(): boolean {
    const o = this.header('overwrite')?.trim().toUpperCase();
    if (o !== undefined && o !== 'T' && o !== 'F') throw new DavError(400, `bad Overwrite header ${o}`);
    return o !== 'F';
  }

  private ifHeader(): IfList[] {
    if (this.ifLists) return this.ifLists;
    const raw = this.header('if');
    try {
      this.ifLists = raw === undefined ? [] : parseIfHeader(raw);
    } catch (err) {
      if (err instanceof IfHeaderError) throw new DavError(400, err.message);
      throw err;
    }
    return this.ifLists;
  }

  /** Lock tokens the client submitted in its If header. */
  tokens(): Set<string> {
    return submittedTokens(this.ifHeader());
  }

  /**
   * Evaluates the If header (RFC 4918 §10.4): 412 Precondition Failed when no list holds. A
   * state token holds when it is the token of a lock covering the list's resource.
   */
  async checkIf(): Promise<void> {
    const lists = this.ifHeader();
    if (lists.length === 0) return;
    const states = new Map<string, IfResourceState>();
    for (const path of new Set(lists.map((l) => l.path ?? this.target.path))) {
      const attr = await this.stat(path).catch(() => undefined);
      states.set(path, { etag: attr ? etagOf(attr) : undefined, tokens: new Set(this.shared.locks.covering(path).map((l) => l.token)) });
    }
    if (!ifHolds(lists, (p) => states.get(p ?? this.target.path)!)) throw new DavError(412, 'no list of the If header holds');
  }

  /**
   * 423 Locked unless the client submitted the token of every lock that protects the change:
   * locks covering each path, locks below it when `tree` (delete or replace a collection), and,
   * when `member` (a name is added or removed), locks on the parent collection itself.
   */
  checkLocks(path: string, options: { tree?: boolean; member?: boolean } = {}): void {
    const { locks } = this.shared;
    const tokens = this.tokens();
    const relevant: DavLock[] = [...locks.covering(path)];
    if (options.tree) relevant.push(...locks.below(path));
    if (options.member && path !== '/') relevant.push(...locks.covering(parentPath(path)).filter((l) => l.depth === '0'));
    const blocking = relevant.find((l) => !tokens.has(l.token) || l.principal !== this.shared.principal);
    if (blocking) throw new DavError(423, `${path} is locked`, 'lock-token-submitted');
  }

  /** Both If and lock checks for a write to `path`. */
  async checkWrite(path: string, options: { tree?: boolean; member?: boolean } = {}): Promise<void> {
    await this.checkIf();
    this.checkLocks(path, options);
  }

  /** 404 when nothing is at the target path, else its attributes. */
  async mustStat(path = this.target.path): Promise<Attr> {
    const attr = await this.stat(path);
    if (!attr) throw new FsError('ENOENT', { path });
    return attr;
  }
}
