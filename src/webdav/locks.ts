import { randomUUID } from 'node:crypto';
import { isWithinPath } from './dav-path.js';

/** One WebDAV write lock (RFC 4918 §6), held by this server process. */
export interface DavLock {
  token: string;
  /** The lock root's volume path. */
  path: string;
  /** The lock root is a collection (its href ends in '/'). */
  collection: boolean;
  scope: 'exclusive' | 'shared';
  depth: '0' | 'infinity';
  /** The <owner> element's content, as the client sent it (an XML fragment). */
  owner: string;
  /** Seconds the lock was granted for. */
  timeoutSec: number;
  /** When it expires (Date.now() milliseconds). */
  expires: number;
  /** The authenticated user who took it. */
  principal: string;
}

/** The longest a lock is granted for (also what `Infinite` gets). */
export const MAX_LOCK_SECONDS = 7 * 24 * 3600;

/** The write locks of this server: in memory, by token; expired ones vanish when looked at. */
export class LockTable {
  private readonly locks = new Map<string, DavLock>();

  private live(): DavLock[] {
    const now = Date.now();
    const out: DavLock[] = [];
    for (const [token, lock] of this.locks) {
      if (lock.expires <= now) this.locks.delete(token);
      else out.push(lock);
    }
    return out;
  }

  /** Locks whose scope includes `path`: rooted there, or depth infinity at an ancestor. */
  covering(path: string): DavLock[] {
    return this.live().filter((l) => l.path === path || (l.depth === 'infinity' && isWithinPath(path, l.path)));
  }

  /** Locks rooted strictly below `path`. */
  below(path: string): DavLock[] {
    return this.live().filter((l) => l.path !== path && isWithinPath(l.path, path));
  }

  /** A lock by token, if live. */
  get(token: string): DavLock | undefined {
    return this.live().find((l) => l.token === token);
  }

  /** The locks a new lock at `path` would conflict with. */
  conflicts(spec: { path: string; scope: DavLock['scope']; depth: DavLock['depth'] }): DavLock[] {
    const near = [...this.covering(spec.path), ...(spec.depth === 'infinity' ? this.below(spec.path) : [])];
    return near.filter((l) => spec.scope === 'exclusive' || l.scope === 'exclusive');
  }

  /** Grants a lock (the caller checked conflicts). */
  add(spec: Omit<DavLock, 'token' | 'expires'>): DavLock {
    const lock: DavLock = { ...spec, token: `opaquelocktoken:${randomUUID()}`, expires: Date.now() + spec.timeoutSec * 1000 };
    this.locks.set(lock.token, lock);
    return lock;
  }

  /** Extends a lock by its timeout. */
  refresh(lock: DavLock, timeoutSec: number): void {
    lock.timeoutSec = timeoutSec;
    lock.expires = Date.now() + timeoutSec * 1000;
  }

  /** Removes a lock; false when it was not held. */
  remove(token: string): boolean {
    return this.locks.delete(token);
  }

  /** Drops every lock rooted at or below `path` (the resource is gone or moved away). */
  dropTree(path: string): void {
    for (const l of this.live()) if (isWithinPath(l.path, path)) this.locks.delete(l.token);
  }
}

/** A Timeout header (`Second-N`, `Infinite`, a list of them) as seconds, capped; 3600 by default. */
export function parseTimeout(header: string | undefined): number {
  for (const t of (header ?? '').split(',').map((s) => s.trim())) {
    if (/^infinite$/i.test(t)) return MAX_LOCK_SECONDS;
    const m = /^second-(\d+)$/i.exec(t);
    if (m) return Math.max(1, Math.min(MAX_LOCK_SECONDS, Number(m[1])));
  }
  return 3600;
}
