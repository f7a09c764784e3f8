/** An inode number: an integer below 2^53. The root is 1. */
export type Ino = number & { readonly __brand: 'Ino' };
/** A slice id from the volume-wide counter; 0 in a slice record marks a hole. */
export type SliceId = number & { readonly __brand: 'SliceId' };
/** A client session's id. */
export type SessionId = number & { readonly __brand: 'SessionId' };

export const ROOT_INO = 1 as Ino;
/** Inode numbers from here up are internal (the trash, a mount's virtual files); allocation never reaches them. */
export const FIRST_INTERNAL_INO = 2 ** 52;
/** The trash directory, `/.trash`: deleted files wait here for `trashDays` when the volume keeps a trash. */
export const TRASH_INO = FIRST_INTERNAL_INO as Ino;
export const TRASH_NAME = '.trash';
/** Bytes per chunk: byte x of a file lives in chunk floor(x / CHUNK_SIZE). */
export const CHUNK_SIZE = 64 * 1024 * 1024;
/** The longest name a directory entry may have, in bytes. */
export const MAX_NAME_BYTES = 255;
/** The largest file length (and offset) the format allows. */
export const MAX_FILE_SIZE = 2 ** 50;
/** The largest slice whose bytes may be kept in the metadata engine (inline data, `format --inline-size`). */
export const MAX_INLINE_SIZE = 64 * 1024;

export type FileType = 'file' | 'dir' | 'symlink' | 'fifo' | 'chr' | 'blk' | 'socket';

/** Seconds and nanoseconds since the epoch, as POSIX keeps file times. */
export interface Timespec {
  sec: number;
  nsec: number;
}

/** An inode's attributes. */
export interface Attr {
  ino: Ino;
  type: FileType;
  /** Permission bits, with setuid/setgid/sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  /** Bytes for files, target length for symlinks, 0 otherwise. */
  length: number;
  /** Device number of character and block devices. */
  rdev: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  /** The directory holding the inode's only name; 0 when it has several (hard links). */
  parent: Ino;
}

/** A deep copy of an inode's attributes, so a kept or stored value is never shared. */
export function copyAttr(a: Attr): Attr {
  return { ...a, atime: { ...a.atime }, mtime: { ...a.mtime }, ctime: { ...a.ctime } };
}

/** A directory entry: a name in `parent` pointing at an inode. */
export interface Edge {
  name: Buffer;
  ino: Ino;
  type: FileType;
}

/**
 * One record of a chunk: bytes [off, off+len) of slice `id` (of total `size`) appear at
 * chunk position `pos`. Later records overlay earlier ones; id 0 is a hole (zeros).
 */
export interface SliceRecord {
  pos: number;
  id: SliceId;
  size: number;
  off: number;
  len: number;
}

/**
 * A small file's first chunk as one read found it (an open's head): its records, oldest first,
 * and the inline data of their slices (slices kept in objects are absent from `data`).
 */
export interface FirstChunk {
  records: SliceRecord[];
  data: Map<SliceId, Buffer>;
}

/** Who asks: the credentials permission checks use. */
export interface Caller {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  gids: readonly number[];
  /** Bits cleared from the mode of what this caller creates. */
  umask: number;
}

/** The root user, with umask 022. */
export const ROOT_CALLER: Caller = Object.freeze({ uid: 0, gid: 0, gids: [], umask: 0o022 });

/** Volume settings written by `format` and read by every client. */
export interface VolumeSettings {
  name: string;
  uuid: string;
  storage: string;
  blockSize: number;
  trashDays: number;
  /** Format version of the metadata layout. */
  version: number;
  /** Milliseconds since the epoch when the volume was formatted. */
  createdAt: number;
  /** Logical bytes the volume may hold (absent or 0: no limit); growing past it is ENOSPC (`slicefs config --capacity`). */
  capacity?: number;
  /** Inodes the volume may hold (absent or 0: no limit); creating past it is ENOSPC (`slicefs config --inodes`). */
  inodeLimit?: number;
  /**
   * Inline data (DESIGN §2): a written slice of at most this many bytes keeps its bytes in the
   * metadata engine, with its commit, instead of in an object (0: no more; absent: never, so
   * readers need not look for any). Up to MAX_INLINE_SIZE; a change applies to slices written
   * afterwards (`slicefs config --inline-size`).
   */
  inlineSize?: number;
  /** Earlier block sizes, oldest first: slices numbered below `belowSlice` were stored with `blockSize` (see block-layout.ts). */
  blockHistory?: Array<{ belowSlice: number; blockSize: number }>;
  /**
   * Set while `slicefs load` fills the volume (milliseconds since the epoch when it began), removed
   * by its last step: a volume that has it is a load that did not finish, and no client opens it.
   */
  loadStarted?: number;
  /**
   * Set by the first `slicefs quota set` (and kept): only then do operations look for directory
   * quotas, so a volume without any pays no read for them (DESIGN §6).
   */
  quotas?: boolean;
}

/** The metadata layout version this code reads and writes. */
export const FORMAT_VERSION = 1;

/** Volume-wide counters. */
export type CounterName = 'nextInode' | 'nextSlice' | 'nextSession' | 'usedBytes' | 'inodes' | StoredCounter;

/**
 * Physical usage kept as counters (status reads them instead of listing the store): slices whose
 * blocks are in the store — live or queued for deletion — and their bytes. Slice creation adds,
 * and removing a slice from the deletion queue (its blocks deleted) subtracts, in one transaction.
 */
export type StoredCounter = 'storedSlices' | 'storedBytes';

/** A slice waiting for its objects to be deleted. */
export interface PendingSlice {
  id: SliceId;
  size: number;
}

/** A client registered with the volume. */
export interface SessionInfo {
  id: SessionId;
  /** Host name, pid and program, for `status`. */
  host: string;
  pid: number;
  program: string;
  /** Milliseconds since the epoch of the last heartbeat. */
  heartbeat: number;
  /** Milliseconds since the epoch after which the session counts as dead. */
  expires: number;
}

/**
 * A directory quota (DESIGN §6), keyed by the directory's inode: limits on the logical bytes and
 * the inodes of the entries below it (0: no limit), and their usage kept as they change.
 */
export interface DirQuota {
  ino: Ino;
  capacity: number;
  inodeLimit: number;
  /** Sum of the lengths of the files below the directory (a hard-linked file once per name). */
  usedBytes: number;
  /** Entries below the directory (not the directory itself). */
  usedInodes: number;
}

/** The root of a tree being built by a clone and not yet linked anywhere. */
export interface DetachedNode {
  ino: Ino;
  /** The session building it; RECLAIMING_SESSION once gc has taken it over to remove it. */
  session: SessionId;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** The owner of a detached tree gc has claimed: no live session, so any later gc removes it too. */
export const RECLAIMING_SESSION = 0 as SessionId;

export const FILE_TYPE_BITS: Readonly<Record<FileType, number>> = {
  fifo: 0o010000,
  chr: 0o020000,
  dir: 0o040000,
  blk: 0o060000,
  file: 0o100000,
  symlink: 0o120000,
  socket: 0o140000,
};

/** The file type encoded in a st_mode, or undefined if it names none. */
export function fileTypeOfMode(mode: number): FileType | undefined {
  const bits = mode & 0o170000;
  return (Object.keys(FILE_TYPE_BITS) as FileType[]).find((t) => FILE_TYPE_BITS[t] === bits);
}

/** A lock one owner of a session holds on an inode: a POSIX byte range or a whole-file flock. */
export interface LockRecord {
  /** The lock owner as the kernel names it (FUSE lock_owner), or any stable string. */
  owner: string;
  pid: number;
  kind: 'posix' | 'flock';
  type: 'read' | 'write';
  /** First byte covered. */
  start: number;
  /** Byte after the last covered (Number.MAX_SAFE_INTEGER: to the end of the file). */
  end: number;
}
