import type {
  Attr, CounterName, DetachedNode, DirQuota, Edge, FirstChunk, Ino, LockRecord, PendingSlice, SessionId, SessionInfo, SliceId, SliceRecord,
  VolumeSettings,
} from './types.js';
import type { CloneBatch, CloneEntriesSpec, CloneUnit } from './clone/clone-spec.js';
import type { Change, ChangeListener, ChangeSubscription } from './change.js';

/** What `getEntry` found: each part absent when missing (no entry is read without its directory). */
export interface EntryRead {
  dir?: Attr;
  edge?: Edge;
  attr?: Attr;
}

/**
 * What `listEntries` reads: a directory's inode and one page of its entries, each with the inode
 * it names when asked, and whether that inode has any extended attribute where the engine reads
 * it in the same statement (absent: not known).
 */
export interface EntriesRead {
  dir?: Attr;
  entries: Array<Edge & { attr?: Attr; xattrs?: boolean }>;
}

/** What `getFileHead` reads: an inode, and its first chunk when it is a regular file of 1 to the asked length. */
export interface FileHeadRead {
  attr?: Attr;
  head?: FirstChunk;
}

/**
 * The storage primitives one metadata engine provides, inside a transaction.
 * Reads see the transaction's own earlier writes. Nothing here checks POSIX rules;
 * the shared logic above does, once for every engine.
 */
export interface EngineTx {
  /** An inode's attributes, or undefined. */
  getInode(ino: Ino): Promise<Attr | undefined>;
  /** Inserts or replaces an inode's attributes. */
  putInode(attr: Attr): Promise<void>;
  /** Removes an inode's attributes, symlink target and xattrs (not its chunks). */
  deleteInode(ino: Ino): Promise<void>;

  /** The entry `name` in directory `parent`, or undefined. */
  getEdge(parent: Ino, name: Buffer): Promise<Edge | undefined>;
  /** Inserts or replaces the entry `edge.name` in `parent`. */
  putEdge(parent: Ino, edge: Edge): Promise<void>;
  /** Removes the entry `name` from `parent`. */
  deleteEdge(parent: Ino, name: Buffer): Promise<void>;
  /**
   * Optional: the inode `parent`, its entry `name` and the inode that entry names, read together
   * (one statement on SQL engines: a lookup or an unlink opens with these three reads). Engines
   * without it get the three reads (`readEntry`).
   */
  getEntry?(parent: Ino, name: Buffer): Promise<EntryRead>;
  /**
   * Optional, with `getEntry`: the `getEntry` of each step of a walk from the inode `start`
   * through `names`, read together (one statement on SQL engines: a path of several components
   * costs one read, one round trip on PostgreSQL, instead of one per component). Element `i` is
   * `getEntry(d_i, names[i])`, where `d_0` is `start` and `d_(i+1)` the inode `names[i]` names,
   * whatever its type; the list ends after the first step whose entry or directory is missing.
   */
  getEntries?(start: Ino, names: readonly Buffer[]): Promise<EntryRead[]>;
  /** Up to `limit` entries of `parent` whose names sort after `after`, in byte order of names. */
  listEdges(parent: Ino, after: Buffer | undefined, limit: number): Promise<Edge[]>;
  /**
   * Optional: the inode `parent` and what `listEdges` returns, with each entry's inode when
   * `withAttrs` (an entry whose inode is missing has none), read together (one statement on SQL
   * engines: a READDIRPLUS page otherwise costs one read per entry). Engines without it get the
   * separate reads (`readEntries`).
   */
  listEntries?(parent: Ino, after: Buffer | undefined, limit: number, withAttrs: boolean): Promise<EntriesRead>;
  /**
   * Optional: the inode `ino` and, when it is a regular file of 1..`maxLength` bytes, its first
   * chunk with the inline data of its slices, read together (one statement on SQL engines: an
   * open of a small file then needs no further read to serve it). Engines without it get the
   * separate reads (`readFileHead`).
   */
  getFileHead?(ino: Ino, maxLength: number): Promise<FileHeadRead>;

  /** A symlink's target. */
  getSymlink(ino: Ino): Promise<Buffer | undefined>;
  /** Stores a symlink's target. */
  putSymlink(ino: Ino, target: Buffer): Promise<void>;

  /** One extended attribute's value. */
  getXattr(ino: Ino, name: string): Promise<Buffer | undefined>;
  /** Inserts or replaces one extended attribute. */
  putXattr(ino: Ino, name: string, value: Buffer): Promise<void>;
  /** Removes one extended attribute. */
  deleteXattr(ino: Ino, name: string): Promise<void>;
  /** The names of an inode's extended attributes, sorted. */
  listXattrs(ino: Ino): Promise<string[]>;

  /** The records of one chunk, oldest first. */
  getChunk(ino: Ino, index: number): Promise<SliceRecord[]>;
  /** Appends records to a chunk. Does not touch slice reference counts. */
  appendChunk(ino: Ino, index: number, records: readonly SliceRecord[]): Promise<void>;
  /** Replaces a chunk's records (compaction); reference counts are left to the caller. */
  setChunk(ino: Ino, index: number, records: readonly SliceRecord[]): Promise<void>;
  /** Removes the chunks of `ino` at index >= `fromIndex`, dropping one reference per record. */
  deleteChunks(ino: Ino, fromIndex: number): Promise<void>;
  /** Copies every chunk of `src` to `dst` (which has none), adding one reference per record. */
  copyChunks(src: Ino, dst: Ino): Promise<void>;

  /** Records a new slice with one reference. */
  createSlice(id: SliceId, size: number): Promise<void>;
  /**
   * Keeps the bytes of a small slice in the engine instead of the object store (inline data,
   * DESIGN §2): stored with the slice in this transaction, removed with it by finishPendingSlices.
   */
  putSliceData(id: SliceId, data: Uint8Array): Promise<void>;
  /** The bytes of slices kept in the engine (ids without inline data are absent). */
  getSliceData(ids: readonly SliceId[]): Promise<Map<SliceId, Buffer>>;
  /** Adds one reference per occurrence of an id (ids of holes are ignored). */
  addSliceRefs(ids: readonly SliceId[]): Promise<void>;
  /** Drops one reference per occurrence; a slice that reaches zero joins the deletion queue. */
  dropSliceRefs(ids: readonly SliceId[]): Promise<void>;

  /** Adds `delta` to a counter (usedBytes, inodes). */
  addCounter(name: CounterName, delta: number): Promise<void>;

  /** Every directory quota with its usage, as this transaction sees it (few: read whole). */
  listQuotas(): Promise<DirQuota[]>;
  /** Inserts or replaces a directory quota: its limits and its usage. */
  putQuota(quota: DirQuota): Promise<void>;
  /** Removes a directory quota (none: nothing). */
  deleteQuota(ino: Ino): Promise<void>;
  /** Adds to a directory quota's usage (bytes and inodes; either may be negative). */
  addQuotaUsage(ino: Ino, delta: { bytes: number; inodes: number }): Promise<void>;

  /** Records a detached node owned by a session. */
  putDetached(node: DetachedNode): Promise<void>;
  /** Forgets a detached node. */
  deleteDetached(ino: Ino): Promise<void>;
  /** A detached node, or undefined (no directory links it, or it is gone). */
  getDetached(ino: Ino): Promise<DetachedNode | undefined>;

  /** Records that a session holds an inode open: it is sustained (kept) if its last name goes meanwhile. */
  putSustained(session: SessionId, ino: Ino): Promise<void>;
  /** Forgets that a session holds an inode open. */
  deleteSustained(session: SessionId, ino: Ino): Promise<void>;
  /** The sessions holding an inode open (any client, live or not yet cleaned up). */
  openSessions(ino: Ino): Promise<SessionId[]>;

  /** Sizes and reference counts of slices (missing ids are absent). */
  getSlices(ids: readonly SliceId[]): Promise<Map<SliceId, { size: number; refs: number }>>;

  /** A counter's value as this transaction sees it (with `addCounter`, an in-transaction allocation). */
  getCounter(name: CounterName): Promise<number>;

  /**
   * Optional set-based clone of directory entries (SQL engines): copies up to `budget` entries
   * of the units, in order, as new inodes numbered from the `nextInode` counter, with their
   * chunks (adding references), symlink targets and xattrs, and updates counters and the
   * new directories' link counts. Engines without it get the generic per-entry clone.
   * With `owner`, it first checks, atomically with the copy, that the detached root still
   * exists and belongs to that session (gc may have claimed it), and fails with ECANCELED if not.
   */
  cloneEntries?(units: readonly CloneUnit[], spec: CloneEntriesSpec): Promise<CloneBatch>;
  /** Optional: the number of entries below a directory (recursively), counted set-based. */
  countSubtree?(ino: Ino): Promise<number>;
  /**
   * Optional: du-like totals of the entries below a directory (recursively; a hard-linked file
   * once per name; an entry whose inode is missing not at all), in a few set-based reads of
   * committed state: for read transactions (`summary`). Engines without it are walked.
   */
  summarizeSubtree?(ino: Ino): Promise<{ size: number; files: number; dirs: number }>;

  /** Every session's locks on an inode. */
  getLocks(ino: Ino): Promise<Map<SessionId, LockRecord[]>>;
  /** Replaces one session's locks on an inode (an empty list removes them). */
  setLocks(ino: Ino, session: SessionId, locks: readonly LockRecord[]): Promise<void>;

  /**
   * Optional (with `Engine.subscribeChanges`): hands this transaction's changes to the engine's
   * change feed, to reach subscribers when, and only if, the transaction commits (change-feed.ts).
   */
  publishChanges?(changes: readonly Change[]): Promise<void>;
}

/** How one transaction commits. */
export interface TxnOptions {
  /**
   * When `txn` returns, the commit survives a power cut, and so does every commit this client made
   * before it (fsync). SQLite: this commit runs with synchronous=FULL, which syncs the WAL and with
   * it the earlier commits made with NORMAL. PostgreSQL: this commit runs with synchronous_commit on;
   * every other one with off (set for each connection: like SQLite's NORMAL, a commit is as durable
   * as the server's page cache until an fsync, and never half applied), and flushing the WAL up to
   * this commit flushes every earlier one. Redis: as durable as its appendonly/appendfsync settings make any write.
   * Memory: nothing survives.
   */
  durable?: boolean;
  /**
   * A hint: the attributes the caller believes inode `assume.ino` has (what its own last commit
   * left). An engine whose statements are round trips (PostgreSQL, Redis) may answer `getInode` of
   * that inode from them without reading, and then commits only if the inode still holds exactly
   * them (checked with the commit, in its round trip); if not, it runs the transaction again,
   * reading. Other engines ignore it. Either way the transaction sees the inode as the engine holds it.
   */
  assume?: Attr;
  /**
   * With `assume` (a directory): a name the caller believes that directory has no entry for (its
   * lookup just found none, before a create). Such an engine may answer `getEntry` and `getEdge`
   * of that name as absent without reading, its commit guarded by the absence too.
   */
  assumeAbsent?: Buffer;
  /**
   * With `assume` (a directory): an entry the caller believes that directory has (its lookup or
   * listing just read it), naming an inode it believes has attributes `attr` and that no session
   * holds open (an unlink's reads). Such an engine may answer `getEntry`, `getEdge`, `getInode` of
   * that inode and `openSessions` of it from these without reading, its commit guarded by all
   * of them. Offered only to an engine that says it `takesAssumedEntries`.
   */
  assumeEntry?: { name: Buffer; attr: Attr };
}

/** How an engine is opened: `create` (by format) may create the database; otherwise it must exist. */
export interface EngineOpenOptions {
  create: boolean;
  /** Open for reading only: the engine writes nothing, not even at open (SQLite opens its file read-only). */
  readOnly?: boolean;
}

/** What `status` reports about the engine itself. */
export interface EngineStats {
  /** Bytes the metadata takes in its store (file size, memory, table sizes). */
  storageBytes: number;
  /** Free words such as the SQLite file path or Redis version. */
  description: string;
}

/** Set-based totals an engine computes over its whole volume (for status, fsck). */
export interface VolumeTotals {
  /** Number of inodes, counted. */
  inodes: number;
  /** Sum of the lengths of regular files, counted. */
  fileBytes: number;
  /** Number of slices and the bytes they hold. */
  slices: number;
  sliceBytes: number;
  /** Slices waiting for deletion. */
  pendingSlices: number;
  /** Slices whose bytes the engine keeps (inline data), and those bytes. */
  inlineSlices: number;
  inlineBytes: number;
}

/** Where a scan of chunk records stopped: the last record returned. */
export interface ChunkRecordCursor {
  ino: Ino;
  index: number;
  /** The record's position in its chunk's list (0 = oldest). */
  seq: number;
}

/** One chunk record as a whole-volume scan returns it. */
export interface ChunkRecordRow extends ChunkRecordCursor {
  record: SliceRecord;
}

/** A symlink's target as a whole-volume scan returns it. */
export interface SymlinkRow {
  ino: Ino;
  target: Buffer;
}

/** One extended attribute as a whole-volume scan returns it. */
export interface XattrRow {
  ino: Ino;
  name: string;
  value: Buffer;
}

/**
 * The reads of a whole-volume pass (fsck, gc), page by page in key order. An engine is one
 * (reads of committed state, not isolated across calls); `Engine.snapshot` gives one whose
 * reads all see the same instant.
 */
export type VolumeView = Pick<
  Engine,
  | 'scanInodes' | 'scanEdges' | 'scanSlices' | 'scanSliceData' | 'scanChunkRecords' | 'scanSymlinks' | 'scanXattrs' | 'pendingSlices' | 'getCounter' | 'listSessions'
  | 'listSustained' | 'listDetached'
> & {
  /** Up to `limit` entries of `parent` whose names sort after `after`. */
  listEdges(parent: Ino, after: Buffer | undefined, limit: number): Promise<Edge[]>;
  /** Every directory quota with its usage (dump). */
  listQuotas(): Promise<DirQuota[]>;
};

/**
 * One metadata engine: transactions over the primitives above, plus the few operations
 * that are not single-key reads and writes.
 */
export interface Engine {
  /** The engine's scheme (`sqlite3`, `postgres`, `redis`, `mem`). */
  readonly scheme: string;
  /**
   * Whether TxnOptions.assumeEntry spares a transaction its reads (PostgreSQL): only then does a
   * client keep what it read to offer an unlink (meta/seen-entries.ts).
   */
  readonly takesAssumedEntries?: boolean;
  /** Creates the schema if missing and writes the settings, the root inode and the counters. */
  format(settings: VolumeSettings, root: Attr, force: boolean): Promise<void>;
  /** The stored settings, or undefined when the engine holds no volume. */
  loadSettings(): Promise<VolumeSettings | undefined>;
  /** Replaces the stored settings of a formatted volume (`slicefs config`). */
  saveSettings(settings: VolumeSettings): Promise<void>;
  /**
   * Removes everything of the volume from the engine (`slicefs destroy`): SQLite's file with its
   * -wal/-shm, PostgreSQL's tables (and schema unless `public`), Redis's keys under the prefix.
   * The engine is closed afterwards.
   */
  destroy(): Promise<void>;
  /** Runs `fn` in one atomic transaction; it may run again on a conflict, so it must only touch `tx`. */
  txn<T>(fn: (tx: EngineTx) => Promise<T>, options?: TxnOptions): Promise<T>;
  /** Runs read-only `fn` on committed state (no isolation across calls promised). */
  read<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T>;
  /**
   * Optional: a transaction that only replaces one inode's attributes, `expected` by `next`, if
   * the engine holds exactly `expected` (every field), publishing `changes` with it (as
   * `publishChanges` would) — in one round trip where the engine is remote. False, with nothing
   * written, when the inode is not as expected or the engine declines this once (a conflict):
   * the caller then runs its usual transaction, which reads the inode again. A chmod, chown or
   * utimes from attributes this client itself just committed (setattr) takes this way.
   */
  replaceInode?(expected: Attr, next: Attr, changes: readonly Change[]): Promise<boolean>;
  /** Adds `n` to a counter atomically, outside any transaction, and returns the new value. */
  incrCounter(name: CounterName, n: number): Promise<number>;
  /** A counter's value. */
  getCounter(name: CounterName): Promise<number>;

  /** Up to `limit` slices waiting for deletion, numbered after `after`, in order. */
  pendingSlices(limit: number, after?: number): Promise<PendingSlice[]>;
  /** Removes slices from the deletion queue once their objects are gone, with their inline data. */
  finishPendingSlices(ids: readonly SliceId[]): Promise<void>;

  /** Inserts or replaces a session. */
  putSession(session: SessionInfo): Promise<void>;
  /** Every registered session. */
  listSessions(): Promise<SessionInfo[]>;
  /**
   * Renews a session's lease to `session.expires`, only while its record exists and has not
   * expired at `now`; false otherwise: the session is gone or dead, and must not come back (fencing).
   */
  renewSession(session: SessionInfo, now: number): Promise<boolean>;
  /**
   * Marks a session that expired before `at` as dead for good (its `expires` becomes 0), so a
   * late heartbeat cannot renew it while others clean up after it; false when it is live
   * (renewed meanwhile). A missing session counts as fenced.
   */
  fenceSession(id: SessionId, at: number): Promise<boolean>;
  /** Removes a session, its sustained records and its locks. */
  deleteSession(id: SessionId): Promise<void>;
  /** Inodes a session keeps alive. */
  listSustained(session: SessionId): Promise<Ino[]>;
  /** Every detached node. */
  listDetached(): Promise<DetachedNode[]>;

  /** Inodes numbered after `after`, in order, at most `limit` (whole-volume scans: fsck, gc). */
  scanInodes(after: number, limit: number): Promise<Attr[]>;
  /** Directory entries after (`parent`, `name`) in that order, at most `limit`. */
  scanEdges(after: { parent: Ino; name: Buffer } | undefined, limit: number): Promise<Array<{ parent: Ino; edge: Edge }>>;
  /** Slices numbered after `after`, in order, at most `limit`. */
  scanSlices(after: number, limit: number): Promise<Array<{ id: SliceId; size: number; refs: number }>>;
  /** Inline slice data of slices numbered after `after`, in order, at most `limit` (fsck, dump). */
  scanSliceData(after: number, limit: number): Promise<Array<{ id: SliceId; data: Buffer }>>;
  /** Chunk records after the cursor, in (inode, chunk index, position in the chunk) order, at most `limit`. */
  scanChunkRecords(after: ChunkRecordCursor | undefined, limit: number): Promise<ChunkRecordRow[]>;
  /** Symlink targets of inodes numbered after `after`, in order, at most `limit` (dump). */
  scanSymlinks(after: number, limit: number): Promise<SymlinkRow[]>;
  /**
   * Extended attributes after (`ino`, `name`) in that order (names in the engine's own order), at
   * most `limit` (dump). Names are never empty, so `{ ino, name: '' }` starts at `ino`'s first.
   */
  scanXattrs(after: { ino: Ino; name: string } | undefined, limit: number): Promise<XattrRow[]>;
  /**
   * Optional: runs `fn` on one consistent snapshot of the whole volume (SQL engines: a read
   * transaction; writers are not blocked). Whole-volume checks then see one instant, so what
   * they find is exact and each repair can be applied as a difference that stays right.
   */
  snapshot?<T>(fn: (view: VolumeView) => Promise<T>): Promise<T>;

  /** Counted totals over the whole volume. */
  totals(): Promise<VolumeTotals>;
  /** Storage size and a description. */
  stats(): Promise<EngineStats>;
  /**
   * Optional: delivers the changes every client's committed transactions publish, from now on, in
   * commit order (Redis pub/sub, PostgreSQL LISTEN/NOTIFY, SQLite a polled log, memory in-process).
   */
  subscribeChanges?(listener: ChangeListener): Promise<ChangeSubscription>;
  /** Closes connections. */
  close(): Promise<void>;
}
