import { readFileSync } from 'node:fs';
import type { Caller } from '../meta/types.js';

/** How long the supplementary groups read for a process are trusted. */
const GROUPS_TTL_MS = 1000;
const MAX_ENTRIES = 4096;

/** Supplementary groups of processes, read from /proc/<pid>/status and kept briefly. */
export class GroupCache {
  private readonly entries = new Map<number, { gids: number[]; expires: number }>();

  /** The groups of `pid` (none when the process is gone or is the kernel itself, pid 0). */
  groupsOf(pid: number): number[] {
    const now = Date.now();
    const hit = this.entries.get(pid);
    if (hit && hit.expires > now) return hit.gids;
    let gids: number[] = [];
    if (pid > 0) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'latin1');
        const line = /^Groups:(.*)$/m.exec(status)?.[1] ?? '';
        gids = line.split(/\s+/).filter(Boolean).map(Number);
      } catch {
        gids = [];
      }
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(pid, { gids, expires: now + GROUPS_TTL_MS });
    return gids;
  }
}

/**
 * The caller of one request: uid and gid from the request header, supplementary groups read
 * only if a permission check needs them. The kernel has already applied the umask (we do not
 * negotiate FUSE_DONT_MASK), so ours is 0.
 */
export class RequestCaller implements Caller {
  readonly umask = 0;
  private groups: number[] | undefined;

  constructor(
    readonly uid: number,
    readonly gid: number,
    private readonly lookup: { pid: number; cache: GroupCache },
  ) {}

  get gids(): readonly number[] {
    return (this.groups ??= this.lookup.cache.groupsOf(this.lookup.pid));
  }
}
