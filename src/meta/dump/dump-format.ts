import { CodedError } from '../../errors/index.js';
import type { Attr, FileType, Ino, SliceRecord, VolumeSettings } from '../types.js';

/** The first field of a dump's header line: what the file is. */
export const DUMP_FORMAT = 'slicefs-dump';
/** The version of the dump format this code writes and reads (docs/operations.md). */
export const DUMP_VERSION = 2;
/** Versions a load reads: 1 had no inline data (`data` of slice and pending records). */
const READABLE_VERSIONS: readonly number[] = [1, 2];

/** A byte string: UTF-8 text when the bytes are valid UTF-8, else base64. */
export type DumpBytes = string | { base64: string };

/** The dump's first line. */
export interface DumpHeader {
  format: typeof DUMP_FORMAT;
  version: number;
  /** Milliseconds since the epoch when the dump started. */
  createdAt: number;
  /** The engine dumped (`sqlite3`, `postgres`, `redis`, `mem`). */
  engine: string;
  /** `snapshot`: every record is of one instant; `none`: read while the volume may change (Redis). */
  consistency: 'snapshot' | 'none';
  /** The tree dumped with `--subdir` (its root became inode 1), absent for a whole volume. */
  subdir?: string;
  settings: VolumeSettings;
  /** The allocation counters: a loaded volume allocates above them, never reusing an id. */
  counters: { nextInode: number; nextSlice: number };
}

type Time = [sec: number, nsec: number];

/** One line after the header. */
export type DumpRecord =
  | {
    t: 'inode'; ino: Ino; type: FileType; mode: number; uid: number; gid: number; nlink: number; length: number; rdev: number;
    atime: Time; mtime: Time; ctime: Time; parent: Ino;
  }
  | { t: 'symlink'; ino: Ino; target: DumpBytes }
  | { t: 'xattr'; ino: Ino; name: string; value: string }
  | { t: 'edge'; parent: Ino; name: DumpBytes; ino: Ino; type: FileType }
  | { t: 'chunk'; ino: Ino; index: number; records: Array<[pos: number, id: number, size: number, off: number, len: number]> }
  | { t: 'slice'; id: number; size: number; refs: number; data?: string }
  | { t: 'pending'; id: number; size: number; data?: string }
  | { t: 'detached'; ino: Ino; createdAt: number }
  | { t: 'quota'; ino: Ino; capacity: number; inodes: number; usedBytes: number; usedInodes: number }
  | { t: 'end'; records: number; inodes: number };

/** Bytes as the dump keeps them. */
/** Records of each kind, as a dump writes them and a load reads them. */
export interface RecordCounts {
  inodes: number;
  entries: number;
  symlinks: number;
  xattrs: number;
  chunks: number;
  slices: number;
  pending: number;
  detached: number;
  quotas: number;
  /** Every line after the header. */
  records: number;
}

/** The counter each kind of record adds to. */
export const COUNTER_OF: Partial<Record<DumpRecord['t'], keyof RecordCounts>> = {
  inode: 'inodes', edge: 'entries', symlink: 'symlinks', xattr: 'xattrs', chunk: 'chunks', slice: 'slices', pending: 'pending', detached: 'detached', quota: 'quotas',
};

export const noRecords = (): RecordCounts => ({ inodes: 0, entries: 0, symlinks: 0, xattrs: 0, chunks: 0, slices: 0, pending: 0, detached: 0, quotas: 0, records: 0 });

export function encodeBytes(b: Buffer): DumpBytes {
  const text = b.toString('utf8');
  return Buffer.byteLength(text) === b.length && Buffer.from(text).equals(b) ? text : { base64: b.toString('base64') };
}

/** The bytes a dump field holds. */
export function decodeBytes(v: DumpBytes): Buffer {
  return typeof v === 'string' ? Buffer.from(v) : Buffer.from(v.base64, 'base64');
}

export function inodeRecord(a: Attr): DumpRecord {
  return {
    t: 'inode', ino: a.ino, type: a.type, mode: a.mode, uid: a.uid, gid: a.gid, nlink: a.nlink, length: a.length, rdev: a.rdev,
    atime: [a.atime.sec, a.atime.nsec], mtime: [a.mtime.sec, a.mtime.nsec], ctime: [a.ctime.sec, a.ctime.nsec], parent: a.parent,
  };
}

export function attrOf(r: Extract<DumpRecord, { t: 'inode' }>): Attr {
  const time = ([sec, nsec]: Time) => ({ sec, nsec });
  return {
    ino: r.ino, type: r.type, mode: r.mode, uid: r.uid, gid: r.gid, nlink: r.nlink, length: r.length, rdev: r.rdev,
    atime: time(r.atime), mtime: time(r.mtime), ctime: time(r.ctime), parent: r.parent,
  };
}

export function recordsOf(r: Extract<DumpRecord, { t: 'chunk' }>): SliceRecord[] {
  return r.records.map(([pos, id, size, off, len]) => ({ pos, id: id as SliceRecord['id'], size, off, len }));
}

/** A malformed dump: which line, and why. */
export function badDump(line: number, why: string): CodedError {
  return new CodedError('ERR_BAD_DUMP', `dump line ${line}: ${why}`, { subject: `line ${line}` });
}

/** The header of a dump, checked. */
export function parseHeader(text: string | undefined): DumpHeader {
  if (text === undefined) throw badDump(1, 'the dump is empty');
  let h: Partial<DumpHeader>;
  try {
    h = JSON.parse(text) as Partial<DumpHeader>;
  } catch {
    throw badDump(1, 'not JSON (is this a slicefs dump? a .gz file must be named .gz)');
  }
  if (h.format !== DUMP_FORMAT) throw badDump(1, `not a slicefs dump (format is ${JSON.stringify(h.format)})`);
  if (!READABLE_VERSIONS.includes(h.version as number)) throw badDump(1, `dump format version ${h.version} is not one of ${READABLE_VERSIONS.join(', ')}`);
  if (!h.settings || !h.counters) throw badDump(1, 'the header lacks settings or counters');
  return h as DumpHeader;
}
