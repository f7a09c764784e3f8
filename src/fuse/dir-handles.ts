import type { Attr, Caller, FileType, Ino } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';

/** One entry of an open directory's listing. */
export interface DirEntry {
  name: Buffer;
  ino: number;
  type: FileType;
  /** Present when listed with attributes (READDIRPLUS). */
  attr?: Attr;
  /** Whether the inode has extended attributes, where the listing read that with `attr`. */
  xattrs?: boolean;
}

const PAGE = 1000;
const DOT = Buffer.from('.');
const DOTDOT = Buffer.from('..');

/**
 * An open directory. The vfs lists by a name cursor; the kernel resumes by offset. The listing
 * is kept in the handle as it is read, and the kernel's offset is an index into it (entry i
 * carries offset i + 1, the index of the next entry). `.` and `..` are entries 0 and 1, added
 * with the first page (which names the parent: opening reads nothing). Offset 0 (a new open or
 * rewinddir) lists afresh.
 */
export class DirHandle {
  private entries: DirEntry[] = [];
  private cursor: Buffer | undefined;
  private complete = false;

  constructor(readonly ino: Ino) {}

  private restart(): void {
    this.entries = [];
    this.cursor = undefined;
    this.complete = false;
  }

  /** Entry `index`, listing more pages as needed; undefined past the end. */
  async at(index: number, ctx: { vfs: Vfs; caller: Caller; plus: boolean }): Promise<DirEntry | undefined> {
    if (index === 0) this.restart();
    while (index >= this.entries.length && !this.complete) {
      const page = await ctx.vfs.readdir(ctx.caller, this.ino, { after: this.cursor, limit: PAGE, plus: ctx.plus });
      if (!this.entries.length) this.entries.push({ name: DOT, ino: this.ino, type: 'dir' }, { name: DOTDOT, ino: page.parent, type: 'dir' });
      for (const e of page.entries) this.entries.push(e);
      this.cursor = page.next;
      this.complete = page.next === undefined;
    }
    return this.entries[index];
  }
}

/** Open directories by handle number. */
export class DirHandles {
  private next = 1;
  private readonly open = new Map<number, DirHandle>();

  add(ino: Ino): number {
    const fh = this.next++;
    this.open.set(fh, new DirHandle(ino));
    return fh;
  }

  get(fh: number): DirHandle | undefined {
    return this.open.get(fh);
  }

  release(fh: number): void {
    this.open.delete(fh);
  }
}
