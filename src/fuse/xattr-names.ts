import { ROOT_CALLER, type Ino } from '../meta/types.js';
import { ShortLived } from '../vfs/short-lived.js';
import type { Vfs } from '../vfs/vfs.js';

const NONE: ReadonlySet<string> = new Set();

/**
 * The names of inodes' extended attributes as the mount last read them, trusted as long as the
 * kernel trusts attributes. `ls -l` asks every file for `security.selinux` and
 * `system.posix_acl_access`: one engine read (the name list) answers both probes of a file
 * that has neither. Only names open to every caller (security.*, system.*) are answered here;
 * user.* and trusted.* keep their permission checks in the engine. Another client's setxattr is
 * seen within the attribute timeout, as its chmod is; this mount's own forget the inode.
 */
export class XattrNames {
  private readonly names: ShortLived<Ino, ReadonlySet<string>>;

  constructor(attrTimeoutSeconds: number) {
    this.names = new ShortLived(attrTimeoutSeconds * 1000);
  }

  /** True when `name` is known not to be set on `ino` (ENODATA without asking the engine for it). */
  async absent(vfs: Pick<Vfs, 'listxattr'>, ino: Ino, name: string): Promise<boolean> {
    if (!name.startsWith('security.') && !name.startsWith('system.')) return false;
    let names = this.names.get(ino);
    if (!names) this.names.set(ino, (names = new Set(await vfs.listxattr(ROOT_CALLER, ino))));
    return !names.has(name);
  }

  /** The inode has no extended attributes (read with its attributes, which the kernel now trusts as long). */
  none(ino: Ino): void {
    this.names.set(ino, NONE);
  }

  /** This mount changed the inode's extended attributes. */
  forget(ino: Ino): void {
    this.names.forget(ino);
  }
}
