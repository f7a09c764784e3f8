import type { Ino } from '../meta/types.js';
import { ShortLived } from './short-lived.js';

/**
 * Inodes known, for a second, to carry no setuid or setgid bit and no `security.capability`:
 * the kernel's S_NOSEC, which lapses when it refreshes attributes. Writes to them need no
 * privilege check, and the kernel's probe for `security.capability` before a write is answered
 * without the engine. Another client's chmod u+s or setcap is seen within that second, as its
 * other attribute changes are.
 */
export class Unprivileged {
  private readonly known = new ShortLived<Ino, true>();

  has(ino: Ino): boolean {
    return this.known.get(ino) === true;
  }

  add(ino: Ino): void {
    this.known.set(ino, true);
  }

  /** This client changed the inode's attributes or xattrs. */
  forget(ino: Ino): void {
    this.known.forget(ino);
  }
}
