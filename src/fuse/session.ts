import { opcodeName } from './abi/opcodes.js';
import type { DecodedOf } from './abi/layout.js';
import type { fuse_init_in, fuse_init_out } from './abi/structs.js';
import { FUSE_KERNEL_MINOR_VERSION, FUSE_KERNEL_VERSION, INIT_FLAGS } from './abi/constants.js';
import { ErrorReport } from './error-report.js';
import { GroupCache, RequestCaller } from './caller.js';
import type { FuseContext, SessionControl } from './context.js';
import { BodyReader, decodeHeader, type InHeader } from './decode.js';
import type { Call } from './op.js';
import type { OpStats } from './op-stats.js';
import type { OpTable } from './op-table.js';
import { Reply, type ReplyChannel } from './reply.js';
import type { RequestSource } from './request-source.js';

/** FUSE_ROOT_ID: the node id of the mount's root. */
const ROOT_NODE = 1;

/** The largest WRITE we take (and READ the kernel asks for), when the request source can read it. */
export const MAX_WRITE = 1024 * 1024;
const MAX_PAGES = 256;
const PAGE = 4096;
/** What a WRITE request holds besides its data: fuse_in_header and fuse_write_in. */
const WRITE_OVERHEAD = 80;

/**
 * What we ask for at INIT (granted only if the kernel offers it). Not FUSE_WRITEBACK_CACHE:
 * with it the kernel treats its cached size and mtime as authoritative and may read back pages
 * on write-only handles, which breaks close-to-open consistency across clients (src/fuse/README.md).
 */
const WANTED =
  INIT_FLAGS.FUSE_ASYNC_READ | INIT_FLAGS.FUSE_POSIX_LOCKS | INIT_FLAGS.FUSE_FLOCK_LOCKS | INIT_FLAGS.FUSE_ATOMIC_O_TRUNC |
  INIT_FLAGS.FUSE_BIG_WRITES | INIT_FLAGS.FUSE_MAX_PAGES | INIT_FLAGS.FUSE_AUTO_INVAL_DATA | INIT_FLAGS.FUSE_DO_READDIRPLUS |
  INIT_FLAGS.FUSE_READDIRPLUS_AUTO | INIT_FLAGS.FUSE_ASYNC_DIO | INIT_FLAGS.FUSE_PARALLEL_DIROPS | INIT_FLAGS.FUSE_CACHE_SYMLINKS | INIT_FLAGS.FUSE_HANDLE_KILLPRIV_V2;

export interface SessionOptions {
  /** One line per answered request (the access log), when set. */
  accessLog?: (line: string) => void;
  /** Failures that are bugs or I/O errors, with their stack. */
  errorLog?: (line: string) => void;
  /** Per-opcode counts and latencies (`slicefs stats`), when set. */
  stats?: OpStats;
}

/** A request being handled: the call its handler sees, plus its interrupt switch. */
class ActiveCall<B> implements Call<B> {
  private controller: AbortController | undefined;
  private requestCaller: RequestCaller | undefined;

  constructor(
    readonly header: InHeader,
    readonly body: B,
    readonly reply: Reply,
    readonly fs: FuseContext,
    private readonly groups: GroupCache,
  ) {}

  get caller(): RequestCaller {
    return (this.requestCaller ??= new RequestCaller(this.header.uid, this.header.gid, { pid: this.header.pid, cache: this.groups }));
  }
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }
  interrupt(): void {
    (this.controller ??= new AbortController()).abort();
  }
}

/**
 * One mounted file system's request loop: read a request, decode its header, find its opcode
 * in the table, decode the body, run the handler, and make sure exactly one reply goes back.
 */
export class FuseSession implements SessionControl {
  readonly context: FuseContext;
  private readonly active = new Map<number, ActiveCall<unknown>>();
  private readonly groups = new GroupCache();
  private readonly errors: ErrorReport;
  private readonly initDone: { promise: Promise<void>; resolve: () => void };

  constructor(
    private readonly io: { source: RequestSource; channel: ReplyChannel; table: OpTable },
    context: Omit<FuseContext, 'control'>,
    private readonly options: SessionOptions = {},
  ) {
    this.context = { ...context, control: this };
    this.errors = new ErrorReport(options.errorLog ?? (() => undefined));
    let resolve!: () => void;
    this.initDone = { promise: new Promise<void>((r) => (resolve = r)), resolve };
  }

  /** Resolves once INIT has been answered: the mount is usable. */
  get initialized(): Promise<void> {
    return this.initDone.promise;
  }

  /** Serves requests until the kernel ends the session (unmount: the device reports ENODEV). */
  run(): Promise<void> {
    return this.io.source.run((buf, n) => this.dispatch(buf, n));
  }

  /** The max_write we offer: 1 MiB, or what fits in one read of the request source. */
  get maxWrite(): number {
    return Math.min(MAX_WRITE, Math.floor((this.io.source.maxRequest - WRITE_OVERHEAD) / PAGE) * PAGE);
  }

  /** Handles one request of `n` bytes in `buf` (which must stay untouched until this settles). */
  async dispatch(buf: Buffer, n: number): Promise<void> {
    const started = this.options.accessLog ? process.hrtime.bigint() : 0n;
    const t0 = this.options.stats ? performance.now() : 0;
    const header = decodeHeader(buf);
    if (header.len > n) header.len = n;
    // A --subdir mount serves a directory as node id 1: handlers see the volume's inode.
    if (header.nodeid === ROOT_NODE) header.nodeid = this.context.root;
    const reply = new Reply(this.io.channel, header.unique);
    const op = this.io.table.get(header.opcode);
    let call: ActiveCall<unknown> | undefined;
    try {
      if (!op) return reply.error('ENOSYS');
      call = new ActiveCall(header, op.decode(BodyReader.of(buf, header), header), reply, this.context, this.groups);
      this.active.set(header.unique, call);
      await op.handle(call);
    } catch (err) {
      this.errors.report(header, err);
      if (!reply.sent) reply.error(err);
    } finally {
      this.active.delete(header.unique);
      if (!reply.sent && !op?.noReply) {
        this.options.errorLog?.(`${opcodeName(header.opcode)} ${header.nodeid}: handler sent no reply; answering EIO`);
        reply.error('EIO');
      }
      this.options.stats?.record(header.opcode, performance.now() - t0, reply.sentError);
      if (this.options.accessLog) this.logAccess(header, { call, started, reply, op });
    }
  }

  private logAccess(header: InHeader, done: { call?: ActiveCall<unknown>; started: bigint; reply: Reply; op?: { print(b: unknown): string } }): void {
    const ms = Number(process.hrtime.bigint() - done.started) / 1e6;
    const args = done.call && done.op ? done.op.print(done.call.body) : '';
    const result = done.reply.sentError ? `errno ${done.reply.sentError}` : 'ok';
    this.options.accessLog!(`[${header.unique}] ${opcodeName(header.opcode)} (${header.nodeid}) ${args} uid=${header.uid} pid=${header.pid} -> ${result} ${ms.toFixed(3)}ms`);
  }

  init(offer: DecodedOf<typeof fuse_init_in>): DecodedOf<typeof fuse_init_out> {
    const answer = {
      major: FUSE_KERNEL_VERSION,
      minor: Math.min(offer.minor, FUSE_KERNEL_MINOR_VERSION),
      max_readahead: offer.max_readahead,
      flags: (offer.flags & WANTED) >>> 0,
      max_background: 64,
      congestion_threshold: 48,
      max_write: this.maxWrite,
      time_gran: 1,
      max_pages: MAX_PAGES,
      map_alignment: 0,
      flags2: 0,
    };
    queueMicrotask(() => this.initDone.resolve());
    return answer;
  }

  interrupt(unique: number): boolean {
    const call = this.active.get(unique);
    call?.interrupt();
    return call !== undefined;
  }

  destroy(): void {
    // Nothing to stop: the kernel ends the connection after DESTROY and the source sees ENODEV.
  }
}
