import type { RecentAttr, WriteMark } from './recent-attrs.js';
import type {
  Attr, Caller, Edge, FirstChunk, Ino, LockRecord, PendingSlice, SessionId, SliceId, SliceRecord, Timespec, VolumeSettings,
} from './types.js';
import type { CloneOptions } from './clone/clone-spec.js';
import type { TxnOptions } from './engine.js';
import type { CopyRangeSpec } from './ops/copy-range.js';

/** How `removeTree` runs: entries per transaction, cancellation, progress. */
export interface RemoveTreeOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Attribute changes for `setattr`; absent fields stay as they are. */
export interface AttrChanges {
  mode?: number;
  uid?: number;
  gid?: number;
  /** A time, or 'now' (which only needs write permission). */
  atime?: Timespec | 'now';
  mtime?: Timespec | 'now';
  /** Changes the length, as truncate does. */
  length?: number;
  /** The change comes through a handle open for writing (ftruncate, O_TRUNC): the length needs no permission check. */
  viaHandle?: boolean;
  /**
   * A write or truncate by someone without CAP_FSETID: clear setuid, setgid when
   * group-executable, and the `security.capability` xattr (Linux's file_remove_privs).
   */
  dropPrivileges?: boolean;
}

/** A setattr carried by a commit of slices (Meta.commitSlices); `refused` is set to the error the rules gave it, if any. */
export interface CommitSetattr {
  caller: Caller;
  changes: Omit<AttrChanges, 'length' | 'viaHandle' | 'dropPrivileges'>;
  refused?: unknown;
}

/** What `mknod` creates. */
export interface NodeSpec {
  type: 'file' | 'fifo' | 'chr' | 'blk' | 'socket';
  /** Permission bits before the caller's umask. */
  mode: number;
  rdev?: number;
}

/** rename(2) flags (Linux renameat2). */
export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;

/** A rename from one name to another. */
export interface RenameSpec {
  parent: Ino;
  name: Buffer;
  newParent: Ino;
  newName: Buffer;
  /** RENAME_NOREPLACE or RENAME_EXCHANGE, or 0. */
  flags?: number;
}

/** One page of a directory listing; pass `next` back as `after` to continue. */
export interface DirPage {
  /** With `plus`, each entry's attributes, and whether it has extended attributes where that was read with them (absent: not known). */
  entries: Array<Edge & { attr?: Attr; xattrs?: boolean }>;
  /** The cursor of the next page; absent on the last. */
  next?: Buffer;
  /** The listed directory's parent (`..`; the root's is itself). */
  parent: Ino;
}

/**
 * What `open` found: the inode, and with `withHead`, for a regular file of 1 to 64 KiB, its first
 * chunk as of the open (close-to-open: a reader may serve the file from it while `writtenSince`
 * says this client changed nothing).
 */
export interface OpenedFile {
  attr: Attr;
  head?: FirstChunk;
}

/** Which part of a directory to list. */
export interface ReaddirOptions {
  /** List names sorting after this one (a cursor from the previous page). */
  after?: Buffer;
  /** At most this many entries (default 1000). */
  limit?: number;
  /** Also return each entry's attributes. */
  plus?: boolean;
}

/** A new slice committed into a chunk by a writer. */
export interface SliceWrite {
  index: number;
  record: SliceRecord;
  /**
   * O_APPEND: the record's bytes go at the file's end as the committing transaction sees it
   * (after this commit's earlier writes), cut at chunk boundaries; `index` and `record.pos`
   * are ignored. Whichever client commits it, an append never overwrites another.
   */
  atEnd?: boolean;
  /**
   * Inline data: the slice's bytes (exactly `record.size`, at most MAX_INLINE_SIZE), kept in the
   * engine with the commit instead of in objects; none were uploaded. The writer inlines slices
   * of at most the volume's `inlineSize` (DESIGN §2).
   */
  data?: Uint8Array;
}

/** Volume usage as the counters keep it. */
export interface VolumeUsage {
  /** Sum of regular files' lengths. */
  usedBytes: number;
  /** Number of inodes, the root included. */
  inodes: number;
  /** The volume's capacity and inode limits (`slicefs config`), when set: `df` shows them. */
  capacity?: number;
  inodeLimit?: number;
}

/** A byte range (or whole-file flock) a lock query is about; `end` is exclusive. */
export interface LockProbe {
  kind: LockRecord['kind'];
  type: 'read' | 'write';
  start: number;
  end: number;
}

/** A lock to take, change or release (`unlock`) for one owner. */
export interface LockRequest extends Omit<LockRecord, 'type'> {
  type: LockRecord['type'] | 'unlock';
}

/** fallocate(2) arguments (mode bits of linux/falloc.h). */
export interface FallocateSpec {
  mode: number;
  offset: number;
  length: number;
}

/** setxattr(2) flags. */
export const XATTR_CREATE = 1;
export const XATTR_REPLACE = 2;

/** access(2) bits. */
export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;

/**
 * The metadata contract: POSIX operations on inodes of one volume. Every operation is one
 * engine transaction. Failures are FsErrors carrying an errno.
 */
export interface Meta {
  /** The volume's settings. */
  readonly settings: VolumeSettings;
  /** This client's session. */
  readonly session: SessionId;

  /** The inode `name` in directory `parent`, after checking search permission. */
  lookup(caller: Caller, parent: Ino, name: Buffer): Promise<Attr>;
  /** An inode's attributes. */
  getattr(ino: Ino): Promise<Attr>;
  /**
   * An inode's attributes, possibly as this client's own last commit wrote them up to `maxAgeMs`
   * ago (no engine read) instead of the engine's: for readers that accept that staleness (a
   * kernel's attribute cache). `ageMs` is how old they are (0 when read now).
   */
  getattrRecent(ino: Ino, maxAgeMs: number): Promise<RecentAttr>;
  /**
   * Whether this client's own committed transaction removed the inode within the last second
   * (no engine read): a kernel may still hold an entry for it that long (OPENDIR answers ENOENT).
   */
  removedRecently(ino: Ino): boolean;
  /** This point in this client's transactions, for `writtenSince`. */
  writeMark(): WriteMark;
  /**
   * Whether a transaction of this client that wrote `ino` settled after `mark` was taken, or the
   * mark is older than the second this is known for (then: true). No engine read.
   */
  writtenSince(ino: Ino, mark: WriteMark): boolean;
  /** Changes mode, owner, times or length, with POSIX permission rules. */
  setattr(caller: Caller, ino: Ino, changes: AttrChanges): Promise<Attr>;
  /** Checks an access(2) mask (R_OK|W_OK|X_OK, or 0 for existence). */
  access(caller: Caller, ino: Ino, mask: number): Promise<void>;

  /** Creates a file or special file. */
  mknod(caller: Caller, parent: Ino, name: Buffer, spec: NodeSpec): Promise<Attr>;
  /** Creates a regular file and opens it for this session in one transaction (open(2) with O_CREAT|O_EXCL); `release` ends it. */
  create(caller: Caller, parent: Ino, name: Buffer, mode: number): Promise<Attr>;
  /**
   * Creates a regular file holding slices already uploaded (one reference each), in one
   * transaction, not opened: EEXIST if the name is taken. What writeFile of a new file needs.
   */
  createFile(caller: Caller, parent: Ino, name: Buffer, spec: { mode: number; writes: readonly SliceWrite[] }): Promise<Attr>;
  /** Creates a directory. */
  mkdir(caller: Caller, parent: Ino, name: Buffer, mode: number): Promise<Attr>;
  /** Creates a symbolic link. */
  symlink(caller: Caller, parent: Ino, name: Buffer, target: Buffer): Promise<Attr>;
  /** Adds a hard link to a non-directory. */
  link(caller: Caller, ino: Ino, parent: Ino, name: Buffer): Promise<Attr>;
  /** Removes a non-directory name; the inode goes with its last link unless it is open. */
  unlink(caller: Caller, parent: Ino, name: Buffer): Promise<void>;
  /** Removes an empty directory. */
  rmdir(caller: Caller, parent: Ino, name: Buffer): Promise<void>;
  /** Renames, with NOREPLACE and EXCHANGE semantics. */
  rename(caller: Caller, spec: RenameSpec): Promise<void>;
  /** One page of a directory, sorted by name bytes. */
  readdir(caller: Caller, ino: Ino, options?: ReaddirOptions): Promise<DirPage>;
  /** A symlink's target. */
  readlink(ino: Ino): Promise<Buffer>;

  /** One extended attribute. */
  getxattr(caller: Caller, ino: Ino, name: string): Promise<Buffer>;
  /** Sets an extended attribute (XATTR_CREATE / XATTR_REPLACE). */
  setxattr(caller: Caller, ino: Ino, name: string, value: Buffer, flags?: number): Promise<void>;
  /** Extended attribute names. */
  listxattr(caller: Caller, ino: Ino): Promise<string[]>;
  /** Removes an extended attribute. */
  removexattr(caller: Caller, ino: Ino, name: string): Promise<void>;

  /** Checks open(2) permission for the flags and keeps the inode alive while open; `withHead`: see OpenedFile. */
  open(caller: Caller, ino: Ino, flags: number, options?: { withHead?: boolean }): Promise<OpenedFile>;
  /** Ends one open; an unlinked inode goes with its last handle. */
  release(ino: Ino): Promise<void>;

  /** The records of one chunk, oldest first. */
  readChunk(ino: Ino, index: number): Promise<SliceRecord[]>;
  /**
   * Commits newly written slices to a file in one transaction, in order, growing it as needed
   * (appends land at its end then; `durable`: fsync, see TxnOptions). With `setattr`, the same
   * transaction then applies that change as `setattr` would (without a length or dropped
   * privileges); one the rules refuse leaves the slices committed and is reported in `refused`.
   */
  commitSlices(ino: Ino, writes: readonly SliceWrite[], options?: TxnOptions & { setattr?: CommitSetattr }): Promise<Attr>;
  /** Makes every commit this client made durable, with one durable commit that rewrites the inode (fsync with nothing left to commit). */
  syncInode(ino: Ino): Promise<void>;
  /**
   * Replaces the leading records `replaced` of a chunk by one new slice record (compaction),
   * dropping their references. False, and nothing changed, when the chunk no longer starts
   * with those records.
   */
  compactChunk(ino: Ino, index: number, spec: { replaced: readonly SliceRecord[]; result?: SliceRecord; data?: Uint8Array }): Promise<boolean>;
  /** The bytes of slices kept in the engine (inline data); slices whose bytes are in objects are absent. */
  readSliceData(ids: readonly SliceId[]): Promise<Map<SliceId, Buffer>>;
  /** Sets a file's length, cutting or extending with zeros. */
  truncate(caller: Caller, ino: Ino, length: number): Promise<Attr>;
  /** A fresh slice id (allocated from the engine in batches). */
  newSliceId(): Promise<SliceId>;

  /** Slices whose last reference is gone and whose objects wait for deletion. */
  pendingSlices(limit: number): Promise<PendingSlice[]>;
  /** Removes slices from the deletion queue once their objects are deleted. */
  finishPendingSlices(ids: readonly SliceId[]): Promise<void>;

  /** copy_file_range(2) by sharing slices instead of copying bytes; returns bytes copied. */
  copyRange(spec: CopyRangeSpec): Promise<number>;

  /** Clones `src` as `name` in `parent` by copying metadata only (DESIGN §3). */
  clone(caller: Caller, spec: { src: Ino; parent: Ino; name: Buffer }, options?: CloneOptions): Promise<Attr>;
  /** Removes `name` in `parent` and everything below it inside the engine, in batches (`slicefs rmr`); returns entries removed. */
  removeTree(caller: Caller, at: { parent: Ino; name: Buffer }, options?: RemoveTreeOptions): Promise<number>;

  /** fallocate(2): extends (mode 0), punches a hole (PUNCH_HOLE|KEEP_SIZE) or zeroes a range; no space is reserved. */
  fallocate(ino: Ino, spec: FallocateSpec): Promise<Attr>;

  /** F_GETLK: the first lock of another owner (any client) that conflicts with `probe`. */
  getlk(ino: Ino, probe: LockProbe & { owner: string }): Promise<{ lock: LockRecord; ours: boolean } | undefined>;
  /** F_SETLK/F_SETLKW and flock: EAGAIN on conflict; with `wait`, polls until free (an aborted signal: EINTR). */
  setlk(ino: Ino, req: LockRequest, options?: { wait?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Drops every lock one owner of this client holds on an inode (close, last close of a flocked file). */
  releaseLocks(ino: Ino, owner: { owner: string; kind: LockRecord['kind'] }): Promise<void>;

  /**
   * Logical usage from the counters; with `dir`, the usage and limits of that directory's quota
   * where it has one (each of bytes and inodes that the quota limits), else the volume's.
   */
  usage(options?: { dir?: Ino }): Promise<VolumeUsage>;
  /** Resolves a volume path to its inode (`follow`: follow a final symlink). */
  resolve(caller: Caller, path: string, follow?: boolean): Promise<Attr>;
  /** Finishes deferred work now (closes whose open records are dropped in batches). */
  flush(): Promise<void>;
  /** Ends the session and closes the engine. */
  close(): Promise<void>;
}
