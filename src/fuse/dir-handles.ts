import type { WriteMark } from '../meta/recent-attrs.js';
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

/** A complete listing an open directory read, kept after its release for the next open of it. */
interface KeptListing {
  entries: readonly DirEntry[];
  /** Before its first page was read. */
  mark: WriteMark;
  caller: string;
  plus: boolean;
}

/** Listings of at most this many entries are kept (one page, with `.` and `..`). */
const KEEP_MAX_ENTRIES = PAGE + 2;
/** Directories whose last listing is kept. */
const KEEP_DIRS = 16;

const callerKey = (c: Caller) => `${c.uid}:${c.gid}:${c.gids.join(',')}`;

/**
 * An open directory. The vfs lists by a name cursor; the kernel resumes by offset. The listing
 * is kept in the handle as it is read, and the kernel's offset is an index into it (entry i
 * carries offset i + 1, the index of the next entry). `.` and `..` are entries 0 and 1, added
 * with the first page (which names the parent: opening reads nothing). Offset 0 (a new open or
 * rewinddir) lists afresh, except that a new open may start from the listing the last handle of
 * the same directory read (`DirHandles`).
 */
export class DirHandle {
  private entries: DirEntry[] = [];
  private cursor: Buffer | undefined;
  private complete = false;
  /** Taken before the first page of the current listing was read. */
  private mark: WriteMark | undefined;
  private listedBy: { caller: string; plus: boolean } | undefined;

  constructor(
    readonly ino: Ino,
    /** The last open's listing, for this handle's first listing only (a rewinddir lists afresh). */
    private kept?: KeptListing,
  ) {}

  private restart(): void {
    this.entries = [];
    this.cursor = undefined;
    this.complete = false;
  }

  /** Entry `index`, listing more pages as needed; undefined past the end. */
  async at(index: number, ctx: { vfs: Vfs; caller: Caller; plus: boolean }): Promise<DirEntry | undefined> {
    if (index === 0) {
      this.restart();
      const caller = callerKey(ctx.caller);
      const kept = this.kept;
      this.kept = undefined;
      this.listedBy = { caller, plus: ctx.plus };
      if (kept && kept.caller === caller && kept.plus === ctx.plus && unchangedSince(this.ino, kept, ctx.vfs)) {
        this.entries = [...kept.entries];
        this.complete = true;
        this.mark = kept.mark;
      } else this.mark = ctx.vfs.meta.writeMark();
    }
    while (index >= this.entries.length && !this.complete) {
      const page = await ctx.vfs.readdir(ctx.caller, this.ino, { after: this.cursor, limit: PAGE, plus: ctx.plus });
      if (!this.entries.length) this.entries.push({ name: DOT, ino: this.ino, type: 'dir' }, { name: DOTDOT, ino: page.parent, type: 'dir' });
      for (const e of page.entries) this.entries.push(e);
      this.cursor = page.next;
      this.complete = page.next === undefined;
    }
    return this.entries[index];
  }

  /** The complete listing read from offset 0, to keep for the next open; undefined if there is none. */
  listing(): KeptListing | undefined {
    if (!this.complete || !this.mark || !this.listedBy || this.entries.length > KEEP_MAX_ENTRIES) return undefined;
    return { entries: this.entries, mark: this.mark, ...this.listedBy };
  }
}

/**
 * Whether a kept listing still says what the engine would: this client has written neither the
 * directory nor any listed inode since its mark, and the mark is at most a second old
 * (`writtenSince` is true for an older one). Another client's change in that second may be
 * missing, as from the kernel's own caches of names and attributes.
 */
function unchangedSince(dir: Ino, kept: KeptListing, { meta }: Vfs): boolean {
  // Entries 0 and 1 are `.` and `..`: only the directory itself and what it lists are shown.
  return !meta.writtenSince(dir, kept.mark) && kept.entries.every((e, i) => i < 2 || !meta.writtenSince(e.ino as Ino, kept.mark));
}

/**
 * Open directories by handle number. A released handle's complete listing is kept (for the last
 * few directories) and offered to the next open of the same directory: `rm -rf` (fts) lists each
 * directory twice, milliseconds apart, before removing what is in it.
 */
export class DirHandles {
  private next = 1;
  private readonly open = new Map<number, DirHandle>();
  private readonly kept = new Map<Ino, KeptListing>();

  add(ino: Ino): number {
    const fh = this.next++;
    const kept = this.kept.get(ino);
    this.kept.delete(ino);
    this.open.set(fh, new DirHandle(ino, kept));
    return fh;
  }

  get(fh: number): DirHandle | undefined {
    return this.open.get(fh);
  }

  release(fh: number): void {
    const handle = this.open.get(fh);
    this.open.delete(fh);
    const listing = handle?.listing();
    if (!handle || !listing) return;
    this.kept.delete(handle.ino);
    this.kept.set(handle.ino, listing);
    if (this.kept.size > KEEP_DIRS) this.kept.delete(this.kept.keys().next().value!);
  }
}
