import type { Attr, Caller, Ino } from '../meta/types.js';
import { ROOT_INO } from '../meta/types.js';

/**
 * A file the mount process serves itself, with no inode in the volume (DESIGN §2: `.control`,
 * `.stats`). It lives in the root under a reserved inode number; the op table routes every
 * request on that number here instead of to the vfs. It is not listed by READDIR, and an entry
 * of the volume's root with its name is hidden (listing and lookup agree: the name is the mount's).
 */
export interface VirtualFile {
  readonly name: string;
  /** A reserved number that no allocated inode reaches (e.g. 2^53 - 2). */
  readonly ino: Ino;
  attr(): Attr;
  /** Opens it for one caller; returns the handle number later requests carry. */
  open(caller: Caller, flags: number): Promise<number>;
  /** Up to `size` bytes at `offset`; `signal` is aborted when the kernel interrupts the read. */
  read(fh: number, request: { offset: number; size: number; signal?: AbortSignal }): Promise<Buffer>;
  /** Returns the bytes accepted. */
  write(fh: number, offset: number, data: Buffer): Promise<number>;
  /** The handle closed (the CLI on the other end went away, or finished). */
  release(fh: number): Promise<void>;
}

/** The mount's virtual files, by name in the root and by inode. */
export class VirtualFiles {
  private readonly byNumber = new Map<number, VirtualFile>();

  constructor(files: readonly VirtualFile[] = []) {
    for (const f of files) this.byNumber.set(f.ino, f);
  }

  /** The virtual file `name` in directory `parent`, if any. */
  lookup(parent: number, name: Buffer): VirtualFile | undefined {
    if (parent !== ROOT_INO || this.byNumber.size === 0) return undefined;
    for (const f of this.byNumber.values()) if (name.equals(Buffer.from(f.name))) return f;
    return undefined;
  }

  /** True when `name` in directory `parent` is a virtual file's (READDIR hides a volume entry of that name). */
  shadows(parent: number, name: Buffer): boolean {
    return this.lookup(parent, name) !== undefined;
  }

  /** The virtual file with inode `ino`, if it is one. */
  get(ino: number): VirtualFile | undefined {
    return this.byNumber.size === 0 ? undefined : this.byNumber.get(ino);
  }
}
