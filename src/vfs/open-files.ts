import type { FileHead } from '../chunk/file-reader.js';
import type { FileWriter } from '../chunk/file-writer.js';
import type { WriteMark } from '../meta/recent-attrs.js';
import type { Ino } from '../meta/types.js';

/** An open file: its inode, open flags, and the write buffer it shares with other handles of the inode. */
export interface FileHandle {
  readonly fh: number;
  readonly ino: Ino;
  readonly flags: number;
  /**
   * A small file as its open read it, and when that read began: reads are served from it while
   * this client has written nothing to the file since (Vfs.read).
   */
  head?: { file: FileHead; readAt: WriteMark };
}

/** Open files of this client, and one shared write buffer per inode. */
export class HandleTable {
  private nextFh = 1;
  private readonly handles = new Map<number, FileHandle>();
  private readonly writers = new Map<Ino, { writer: FileWriter; users: number }>();

  add(ino: Ino, flags: number): FileHandle {
    const handle: FileHandle = { fh: this.nextFh++, ino, flags };
    this.handles.set(handle.fh, handle);
    return handle;
  }

  get(fh: number): FileHandle | undefined {
    return this.handles.get(fh);
  }

  remove(fh: number): FileHandle | undefined {
    const handle = this.handles.get(fh);
    this.handles.delete(fh);
    return handle;
  }

  /** The inode's write buffer, created on first use; `release` when the handle closes. */
  writer(ino: Ino, create: () => FileWriter): FileWriter {
    let entry = this.writers.get(ino);
    if (!entry) this.writers.set(ino, (entry = { writer: create(), users: 0 }));
    entry.users++;
    return entry.writer;
  }

  /** The inode's write buffer if any handle has one. */
  existingWriter(ino: Ino): FileWriter | undefined {
    return this.writers.get(ino)?.writer;
  }

  /** Drops one user of the inode's writer; returns it when that was the last user. */
  releaseWriter(ino: Ino): FileWriter | undefined {
    const entry = this.writers.get(ino);
    if (!entry) return undefined;
    if (--entry.users > 0) return undefined;
    this.writers.delete(ino);
    return entry.writer;
  }

  /** Every open handle. */
  all(): FileHandle[] {
    return [...this.handles.values()];
  }
}
