import type {
  Attr, CounterName, DetachedNode, DirQuota, Edge, Ino, LockRecord, PendingSlice, SessionId, SessionInfo, SliceId, SliceRecord,
  VolumeSettings,
} from '../../types.js';

/** Everything a memory volume holds. Values are never mutated in place, only replaced. */
export interface MemoryState {
  settings: VolumeSettings | undefined;
  counters: Map<CounterName, number>;
  inodes: Map<Ino, Attr>;
  /** Per directory: latin1 of the name bytes → entry (latin1 sorts as the bytes do). */
  edges: Map<Ino, Map<string, Edge>>;
  symlinks: Map<Ino, Buffer>;
  xattrs: Map<Ino, Map<string, Buffer>>;
  chunks: Map<Ino, Map<number, readonly SliceRecord[]>>;
  slices: Map<SliceId, { size: number; refs: number }>;
  /** Inline data: the bytes of small slices kept in the engine (until their deletion finishes). */
  sliceData: Map<SliceId, Buffer>;
  pending: Map<SliceId, PendingSlice>;
  sessions: Map<SessionId, SessionInfo>;
  sustained: Map<SessionId, Map<Ino, true>>;
  detached: Map<Ino, DetachedNode>;
  quotas: Map<Ino, DirQuota>;
  locks: Map<Ino, Map<SessionId, readonly LockRecord[]>>;
}

export function emptyState(): MemoryState {
  return {
    settings: undefined,
    counters: new Map(),
    inodes: new Map(),
    edges: new Map(),
    symlinks: new Map(),
    xattrs: new Map(),
    chunks: new Map(),
    slices: new Map(),
    sliceData: new Map(),
    pending: new Map(),
    sessions: new Map(),
    sustained: new Map(),
    detached: new Map(),
    quotas: new Map(),
    locks: new Map(),
  };
}

/** Whether two inodes' attributes are the same in every field. */
export function sameAttr(a: Attr, b: Attr): boolean {
  return a.ino === b.ino && a.type === b.type && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.nlink === b.nlink &&
    a.length === b.length && a.rdev === b.rdev && a.parent === b.parent &&
    a.atime.sec === b.atime.sec && a.atime.nsec === b.atime.nsec && a.mtime.sec === b.mtime.sec && a.mtime.nsec === b.mtime.nsec &&
    a.ctime.sec === b.ctime.sec && a.ctime.nsec === b.ctime.nsec;
}

