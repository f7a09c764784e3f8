import { CodedError, FsError, type LogLine, logFailure, logToStderr } from '../errors/index.js';
import { clone } from './clone/clone.js';
import type { CloneOptions } from './clone/clone-spec.js';
import type { MetaContext } from './context.js';
import type { Engine, TxnOptions } from './engine.js';
import { IdAllocator } from './id-allocator.js';
import type {
  AttrChanges, CommitSetattr, DirPage, FallocateSpec, LockProbe, LockRequest, Meta, NodeSpec, OpenedFile, ReaddirOptions, RemoveTreeOptions, RenameSpec, SliceWrite, VolumeUsage,
} from './meta.js';
import { DeferredReleases } from './deferred-releases.js';
import { OpenFiles } from './open-files.js';
import { copyRange, type CopyRangeSpec } from './ops/copy-range.js';
import { createNode } from './ops/create-node.js';
import { fallocate } from './ops/fallocate.js';
import { mustGetInode } from './ops/inode-records.js';
import { link } from './ops/link.js';
import { getLock, releaseLocks, setLock } from './ops/locks.js';
import { lookupIn } from './ops/lookup.js';
import { checkOpen, finishReleases, open, release } from './ops/open-release.js';
import { readdir } from './ops/readdir.js';
import { rename } from './ops/rename.js';
import { rmdir, unlink } from './ops/remove.js';
import { removeTree } from './ops/remove-tree.js';
import { setattr } from './ops/setattr.js';
import { commitSlices, compactChunk, syncInode } from './ops/slices.js';
import { getxattr, listxattr, removexattr, setxattr } from './ops/xattr.js';
import { resolveEntry, resolvePath } from './paths.js';
import { checkAccess } from './permissions.js';
import { readOnlyEngine } from './read-only-engine.js';
import { type EngineMetrics, withEngineMetrics } from './engine-metrics.js';
import { publishingChanges } from './change-feed.js';
import { openEngine } from './registry.js';
import { AbandonedClones } from './clone/abandoned-clones.js';
import { SessionKeeper } from './sessions.js';
import { refreshLiveSettings } from './settings-refresh.js';
import { type RecentAttr, RecentAttrs, type WriteMark } from './recent-attrs.js';
import { listDirQuotas } from './space/quota-admin.js';
import { ensureTrash } from './trash/trash.js';
import { SeenEntries } from './seen-entries.js';
import { now } from './times.js';
import {
  type Attr, type Caller, FORMAT_VERSION, type Ino, type LockRecord, type PendingSlice, ROOT_INO, type SessionId, type SliceId, type SliceRecord,
  type VolumeSettings,
} from './types.js';

/** Options for opening a volume's metadata. */
export interface OpenMetaOptions {
  /** Program name recorded in the session (`slicefs mount`, `sdk`). */
  program?: string;
  /**
   * Session lifetime without heartbeat (default 60 s): after it, other clients may reclaim this
   * client's open-but-unlinked files, locks and unfinished clones, and this client is fenced.
   */
  sessionTtlMs?: number;
  /** Read the volume only: no session is registered and the engine refuses writes (status, gc and fsck reports). */
  readOnly?: boolean;
  /** Where loud lines go (a failed heartbeat, fencing, a cleanup to retry, failed background work); stderr by default. */
  log?: LogLine;
  /** Count this client's transactions here (`slicefs stats`). */
  metrics?: EngineMetrics;
}

const O_ACCMODE = 3;
const O_TRUNC = 0o1000;

/** How long this client's own committed attributes may answer getattrRecent: the longest staleness a reader asks for (a mount's attribute timeout, 1 s). */
const RECENT_ATTRS_MS = 1_000;
/** How long what this client read may be offered to an unlink's commit as an assumption: as long as `rm -rf` takes to work through a large directory it listed. */
const SEEN_ENTRIES_MS = 10_000;

/** The session id of a read-only open, which registers none. */
const NO_SESSION = 0 as SessionId;

/** The Meta contract implemented once over any engine. */
export class VolumeMeta implements Meta {
  private readonly ctx: MetaContext;
  /** Inodes this session holds locks on, so that closing other files costs no transaction. */
  private readonly lockedInodes = new Set<Ino>();

  private readonly keeper: SessionKeeper | undefined;
  private readonly log: LogLine;

  private constructor(
    readonly engine: Engine,
    readonly settings: VolumeSettings,
    client: { keeper: SessionKeeper | undefined; log: LogLine; recent: RecentAttrs; seen: SeenEntries },
  ) {
    const { keeper, log } = client;
    this.keeper = keeper;
    this.log = log;
    const abandoned = new AbandonedClones(engine, log);
    if (keeper) keeper.onRenewed = () => abandoned.retry();
    this.ctx = {
      engine,
      settings,
      session: keeper?.info.id ?? NO_SESSION,
      ensureLive: () => (keeper ? keeper.ensureLive() : Promise.resolve()),
      abandoned,
      inodeIds: new IdAllocator(engine, 'nextInode', 100),
      sliceIds: new IdAllocator(engine, 'nextSlice', 100),
      openFiles: new OpenFiles(),
      releases: new DeferredReleases((inos) => finishReleases(this.ctx, inos), log),
      recent: client.recent,
      seen: client.seen,
    };
  }

  get session(): SessionId {
    return this.ctx.session;
  }

  /** The EIO every operation gets once this client's session is fenced (DESIGN §4), or undefined. */
  get fenced(): FsError | undefined {
    return this.keeper?.fenced;
  }

  /** Runs an operation only while the session is alive (fencing). */
  private live<T>(op: () => Promise<T>): Promise<T> {
    return this.keeper ? this.keeper.ensureLive().then(op) : op();
  }

  /** Writes a new volume's settings and root into the engine a URL names. */
  static async format(url: string, settings: VolumeSettings, force = false): Promise<void> {
    const engine = await openEngine(url, { create: true });
    try {
      const existing = await engine.loadSettings();
      if (existing && !force) {
        throw new CodedError('ERR_ALREADY_FORMATTED', `${url}: volume already formatted (use --force)`, { subject: url });
      }
      const t = now();
      const root: Attr = {
        ino: ROOT_INO, type: 'dir', mode: 0o755, uid: 0, gid: 0, nlink: 2, length: 0, rdev: 0,
        atime: t, mtime: t, ctime: t, parent: ROOT_INO,
      };
      await engine.format({ ...settings, version: FORMAT_VERSION }, root, force);
      if (settings.trashDays > 0) await engine.txn((tx) => ensureTrash(tx));
    } finally {
      await engine.close();
    }
  }

  /** The settings of the volume at a URL, or undefined when there is none. */
  static async existing(url: string): Promise<VolumeSettings | undefined> {
    let engine: Engine;
    try {
      engine = await openEngine(url, { create: false });
    } catch (err) {
      if (err instanceof CodedError && err.code === 'ERR_NOT_FORMATTED') return undefined;
      throw err;
    }
    try {
      return await engine.loadSettings();
    } finally {
      await engine.close();
    }
  }

  /** Opens a formatted volume's metadata and starts a session. */
  static async open(url: string, options: OpenMetaOptions = {}): Promise<VolumeMeta> {
    const opened = await openEngine(url, { create: false, readOnly: options.readOnly });
    const counted = options.metrics ? withEngineMetrics(opened, options.metrics) : opened;
    const seen = new SeenEntries(opened.takesAssumedEntries ? SEEN_ENTRIES_MS : 0);
    const recent = new RecentAttrs(RECENT_ATTRS_MS, (ino) => seen.forgetAttr(ino));
    const engine = options.readOnly ? readOnlyEngine(counted) : publishingChanges(counted, recent);
    try {
      const settings = await engine.loadSettings();
      if (!settings) throw new CodedError('ERR_NOT_FORMATTED', `${url}: no volume here (run slicefs format first)`, { subject: url });
      if (settings.loadStarted !== undefined) {
        throw new CodedError(
          'ERR_PARTIAL_LOAD',
          `${url}: a load into this volume started at ${new Date(settings.loadStarted).toISOString()} and did not finish; ` +
            'run slicefs load --restart to discard it and load again',
          { subject: url },
        );
      }
      if (settings.version !== FORMAT_VERSION) {
        throw new CodedError('ERR_FORMAT_VERSION', `${url}: format version ${settings.version} is not ${FORMAT_VERSION}`, { subject: url });
      }
      const log = options.log ?? logToStderr;
      const keeper = options.readOnly
        ? undefined
        : await SessionKeeper.start(engine, {
          program: options.program ?? 'sdk',
          ttlMs: options.sessionTtlMs,
          trashDays: settings.trashDays,
          log,
          onBeat: () => refreshLiveSettings(engine, settings),
        });
      return new VolumeMeta(engine, settings, { keeper, log, recent, seen });
    } catch (err) {
      await engine.close();
      throw err;
    }
  }

  /** The context the shared operations run with (for clone, gc and fsck). */
  get context(): MetaContext {
    return this.ctx;
  }

  /** Attributes read from the engine and handed on: never contradicted later by this client's older commit (RecentAttrs). */
  private handedOn(attr: Attr, entry?: { parent: Ino; name: Buffer }): Attr {
    this.ctx.recent.forget(attr.ino);
    this.ctx.seen.saw(attr, entry);
    return attr;
  }

  async lookup(caller: Caller, parent: Ino, name: Buffer): Promise<Attr> {
    return this.handedOn(await this.live(() => this.engine.read((tx) => lookupIn(tx, caller, parent, name))), { parent, name });
  }
  async getattr(ino: Ino): Promise<Attr> {
    return this.handedOn(await this.live(() => this.engine.read((tx) => mustGetInode(tx, ino, 'getattr'))));
  }
  getattrRecent(ino: Ino, maxAgeMs: number): Promise<RecentAttr> {
    return this.live(async () => {
      const recent = this.ctx.recent.get(ino, maxAgeMs);
      if (recent) return recent;
      const attr = await this.engine.read((tx) => mustGetInode(tx, ino, 'getattr'));
      this.ctx.seen.saw(attr);
      return { attr, ageMs: 0 };
    });
  }
  removedRecently(ino: Ino): boolean {
    return this.ctx.recent.removed(ino);
  }
  writeMark(): WriteMark {
    return this.ctx.recent.mark();
  }
  writtenSince(ino: Ino, mark: WriteMark): boolean {
    return this.ctx.recent.writtenSince(ino, mark);
  }
  setattr(caller: Caller, ino: Ino, changes: AttrChanges): Promise<Attr> {
    return this.live(() => setattr(this.ctx, caller, ino, changes));
  }
  async access(caller: Caller, ino: Ino, mask: number): Promise<void> {
    await this.keeper?.ensureLive();
    const attr = await this.getattr(ino);
    checkAccess(caller, attr, mask, 'access');
  }
  mknod(caller: Caller, parent: Ino, name: Buffer, spec: NodeSpec): Promise<Attr> {
    return this.live(() => createNode(this.ctx, caller, { parent, name, syscall: spec.type === 'file' ? 'open' : 'mknod' }, spec));
  }
  create(caller: Caller, parent: Ino, name: Buffer, mode: number): Promise<Attr> {
    return this.live(() => createNode(this.ctx, caller, { parent, name, syscall: 'open' }, { type: 'file', mode, open: true }));
  }
  createFile(caller: Caller, parent: Ino, name: Buffer, spec: { mode: number; writes: readonly SliceWrite[] }): Promise<Attr> {
    return this.live(() => createNode(this.ctx, caller, { parent, name, syscall: 'open' }, { type: 'file', mode: spec.mode, writes: spec.writes }));
  }
  mkdir(caller: Caller, parent: Ino, name: Buffer, mode: number): Promise<Attr> {
    return this.live(() => createNode(this.ctx, caller, { parent, name, syscall: 'mkdir' }, { type: 'dir', mode }));
  }
  symlink(caller: Caller, parent: Ino, name: Buffer, target: Buffer): Promise<Attr> {
    if (target.length === 0 || target.length > 4096 || target.includes(0)) {
      return Promise.reject(new FsError(target.length > 4096 ? 'ENAMETOOLONG' : 'ENOENT', { syscall: 'symlink', path: name.toString() }));
    }
    return this.live(() => createNode(this.ctx, caller, { parent, name, syscall: 'symlink' }, { type: 'symlink', mode: 0o777, target }));
  }
  link(caller: Caller, ino: Ino, parent: Ino, name: Buffer): Promise<Attr> {
    return this.live(() => link(this.ctx, caller, { ino, parent, name }));
  }
  unlink(caller: Caller, parent: Ino, name: Buffer): Promise<void> {
    return this.live(() => unlink(this.ctx, caller, { parent, name }));
  }
  rmdir(caller: Caller, parent: Ino, name: Buffer): Promise<void> {
    return this.live(() => rmdir(this.ctx, caller, { parent, name }));
  }
  rename(caller: Caller, spec: RenameSpec): Promise<void> {
    return this.live(() => rename(this.ctx, caller, spec));
  }
  async readdir(caller: Caller, ino: Ino, options?: ReaddirOptions): Promise<DirPage> {
    const page = await this.live(() => readdir(this.ctx, caller, ino, options));
    for (const e of page.entries) if (e.attr) this.handedOn(e.attr, { parent: ino, name: e.name });
    return page;
  }
  async readlink(ino: Ino): Promise<Buffer> {
    await this.keeper?.ensureLive();
    return this.engine.read(async (tx) => {
      const attr = await mustGetInode(tx, ino, 'readlink');
      const target = attr.type === 'symlink' ? await tx.getSymlink(ino) : undefined;
      if (!target) throw new FsError('EINVAL', { syscall: 'readlink', ino, detail: 'not a symbolic link' });
      return target;
    });
  }
  getxattr(caller: Caller, ino: Ino, name: string): Promise<Buffer> {
    return this.live(() => getxattr(this.ctx, caller, ino, name));
  }
  setxattr(caller: Caller, ino: Ino, name: string, value: Buffer, flags = 0): Promise<void> {
    return this.live(() => setxattr(this.ctx, caller, { ino, name, value, flags }));
  }
  listxattr(caller: Caller, ino: Ino): Promise<string[]> {
    return this.live(() => listxattr(this.ctx, caller, ino));
  }
  removexattr(caller: Caller, ino: Ino, name: string): Promise<void> {
    return this.live(() => removexattr(this.ctx, caller, ino, name));
  }
  async open(caller: Caller, ino: Ino, flags: number, options: { withHead?: boolean } = {}): Promise<OpenedFile> {
    if (this.keeper) {
      const opened = await this.live(() => open(this.ctx, caller, ino, flags, options.withHead));
      this.handedOn(opened.attr);
      return opened;
    }
    // Read-only: no session to record the open in; opening for writing is EROFS.
    if ((flags & (O_ACCMODE | O_TRUNC)) !== 0) throw new FsError('EROFS', { syscall: 'open', ino, detail: 'the volume was opened read-only' });
    return { attr: checkOpen(caller, { attr: await this.getattr(ino), flags }) };
  }
  async release(ino: Ino): Promise<void> {
    if (this.keeper) return this.live(() => release(this.ctx, ino));
  }
  readChunk(ino: Ino, index: number): Promise<SliceRecord[]> {
    return this.live(() => this.engine.read((tx) => tx.getChunk(ino, index)));
  }
  commitSlices(ino: Ino, writes: readonly SliceWrite[], options?: TxnOptions & { setattr?: CommitSetattr }): Promise<Attr> {
    return this.live(() => commitSlices(this.ctx, ino, writes, options));
  }
  syncInode(ino: Ino): Promise<void> {
    return this.live(() => syncInode(this.ctx, ino));
  }
  compactChunk(ino: Ino, index: number, spec: { replaced: readonly SliceRecord[]; result?: SliceRecord; data?: Uint8Array }): Promise<boolean> {
    return this.live(() => compactChunk(this.ctx, { ino, index }, spec));
  }
  readSliceData(ids: readonly SliceId[]): Promise<Map<SliceId, Buffer>> {
    return ids.length ? this.engine.read((tx) => tx.getSliceData(ids)) : Promise.resolve(new Map());
  }
  pendingSlices(limit: number): Promise<PendingSlice[]> {
    return this.engine.pendingSlices(limit);
  }
  finishPendingSlices(ids: readonly SliceId[]): Promise<void> {
    return this.engine.finishPendingSlices(ids);
  }
  truncate(caller: Caller, ino: Ino, length: number): Promise<Attr> {
    return this.live(() => setattr(this.ctx, caller, ino, { length }));
  }
  async newSliceId(): Promise<SliceId> {
    await this.keeper?.ensureLive();
    return (await this.ctx.sliceIds.one()) as SliceId;
  }
  copyRange(spec: CopyRangeSpec): Promise<number> {
    return this.live(() => copyRange(this.ctx, spec));
  }
  clone(caller: Caller, spec: { src: Ino; parent: Ino; name: Buffer }, options?: CloneOptions): Promise<Attr> {
    return this.live(() => clone(this.ctx, caller, spec, options));
  }
  removeTree(caller: Caller, at: { parent: Ino; name: Buffer }, options?: RemoveTreeOptions): Promise<number> {
    return removeTree(this.ctx, caller, at, options);
  }
  fallocate(ino: Ino, spec: FallocateSpec): Promise<Attr> {
    return this.live(() => fallocate(this.ctx, ino, spec));
  }
  async getlk(ino: Ino, probe: LockProbe & { owner: string }): Promise<{ lock: LockRecord; ours: boolean } | undefined> {
    await this.keeper?.ensureLive();
    const held = await getLock(this.engine, { ino, session: this.session }, probe);
    return held && { lock: held.lock, ours: held.session === this.session };
  }
  async setlk(ino: Ino, req: LockRequest, options: { wait?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    if (req.type === 'unlock' && !this.lockedInodes.has(ino)) return;
    await this.keeper?.ensureLive();
    const remaining = await setLock(this.engine, { ino, session: this.session }, { req, ...options });
    if (remaining > 0) this.lockedInodes.add(ino);
    else this.lockedInodes.delete(ino);
  }
  async releaseLocks(ino: Ino, owner: { owner: string; kind: LockRecord['kind'] }): Promise<void> {
    if (!this.lockedInodes.has(ino)) return;
    await this.keeper?.ensureLive();
    if ((await releaseLocks(this.engine, { ino, session: this.session }, owner)) === 0) this.lockedInodes.delete(ino);
  }
  async usage(options: { dir?: Ino } = {}): Promise<VolumeUsage> {
    await this.keeper?.ensureLive();
    const [usedBytes, inodes] = await Promise.all([this.engine.getCounter('usedBytes'), this.engine.getCounter('inodes')]);
    const { capacity, inodeLimit } = this.settings;
    const volume: VolumeUsage = { usedBytes, inodes, ...(capacity ? { capacity } : {}), ...(inodeLimit ? { inodeLimit } : {}) };
    const quota = options.dir !== undefined && this.settings.quotas ? (await listDirQuotas(this.engine)).find((q) => q.ino === options.dir) : undefined;
    if (!quota) return volume;
    // A quota's limits stand in for the volume's: a subdirectory mount's df shows them.
    if (quota.capacity) Object.assign(volume, { usedBytes: quota.usedBytes, capacity: quota.capacity });
    if (quota.inodeLimit) Object.assign(volume, { inodes: quota.usedInodes, inodeLimit: quota.inodeLimit });
    return volume;
  }
  resolve(caller: Caller, path: string, follow = true): Promise<Attr> {
    return this.live(() => resolvePath(this.engine, caller, { path, follow }));
  }
  /** A path's directory, last component and the inode it names if any, in one walk (paths.ts resolveEntry). */
  resolveEntry(caller: Caller, path: string, syscall: string): Promise<{ parent: Attr; name: Buffer | undefined; attr: Attr | undefined }> {
    return this.live(() => resolveEntry(this.engine, caller, { path, syscall }));
  }
  flush(): Promise<void> {
    return this.ctx.releases.flush();
  }
  async close(): Promise<void> {
    try {
      await this.ctx.releases.flush().catch((err: unknown) =>
        logFailure(this.log, {
          what: 'releasing the open records of closed files at close',
          err,
          retry: 'ending the session drops them (or, if that fails too, another client once the session expires)',
        }),
      );
      this.ctx.releases.stop();
      if (this.keeper && !this.keeper.fenced) await this.ctx.abandoned.retry();
      await this.keeper?.stop();
    } finally {
      await this.engine.close();
    }
  }
}
