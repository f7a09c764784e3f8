import type { Ino } from '../meta/types.js';

/** How long "no setuid/setgid, no capability" is trusted: the mount's attribute cache lifetime. */
const TRUST_MS = 1000;
const MAX_ENTRIES = 10_000;

/**
 * Inodes known, for a second, to carry no setuid or setgid bit and no `security.capability`:
 * the kernel's S_NOSEC, which lapses when it refreshes attributes. Writes to them need no
 * privilege check, and the kernel's probe for `security.capability` before a write is answered
 * without the engine. Another client's chmod u+s or setcap is seen within that second, as its
 * other attribute changes are.
 */
export class Unprivileged {
  private readonly until = new Map<Ino, number>();

  has(ino: Ino): boolean {
    const until = this.until.get(ino);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(ino);
    return false;
  }

  add(ino: Ino): void {
    if (this.until.size >= MAX_ENTRIES) this.until.clear();
    this.until.set(ino, Date.now() + TRUST_MS);
  }

  /** This client changed the inode's attributes or xattrs. */
  forget(ino: Ino): void {
    this.until.delete(ino);
  }
}
