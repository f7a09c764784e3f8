import type { ChunkStore } from '../chunk/chunk-store.js';
import { FsError, isFsError } from '../errors/index.js';
import type { AttrChanges, CommitSetattr, DirPage, FallocateSpec, LockProbe, LockRequest, Meta, NodeSpec, ReaddirOptions, RenameSpec } from '../meta/meta.js';
import type { Attr, Caller, Ino, LockRecord } from '../meta/types.js';
import type { RecentAttr } from '../meta/recent-attrs.js';
import { CHUNK_SIZE, MAX_NAME_BYTES, ROOT_CALLER } from '../meta/types.js';
import { CAPABILITY_XATTR, privilegesDropped } from '../meta/ops/setattr.js';
import { type FileHandle, HandleTable } from './open-files.js';
import { Unprivileged } from './unprivileged.js';
import { canRead, canWrite, O_APPEND, O_CREAT, O_EXCL, O_TRUNC } from './open-flags.js';

/**
 * POSIX file semantics over the metadata and data layers: open files, write buffers and
 * read-your-writes. Both the SDK and the FUSE layer call this by inode.
 */
export class Vfs {
  private readonly handles = new HandleTable();
  private readonly unprivileged = new Unprivileged();

  constructor(
    readonly meta: Meta,
    readonly chunks: ChunkStore,
  ) {}

  /** Attributes with the length of buffered, not yet committed writes. */
  private withBuffered(attr: Attr): Attr {
    const length = this.handles.existingWriter(attr.ino)?.lengthOver(attr.length) ?? attr.length;
    return length > attr.length ? { ...attr, length } : attr;
  }

  async lookup(caller: Caller, parent: Ino, name: Buffer): Promise<Attr> {
    // As Linux file systems answer a lookup of an over-long name (not ENOENT).
    if (name.length > MAX_NAME_BYTES) throw new FsError('ENAMETOOLONG', { syscall: 'lookup', path: `${name.subarray(0, 40).toString()}…` });
    return this.withBuffered(await this.meta.lookup(caller, parent, name));
  }
  async getattr(ino: Ino): Promise<Attr> {
    return this.withBuffered(await this.meta.getattr(ino));
  }
  /** Attributes that may be this client's own commit's of up to `maxAgeMs` ago (Meta.getattrRecent), with writes in flight. */
  async getattrRecent(ino: Ino, maxAgeMs: number): Promise<RecentAttr> {
    const recent = await this.meta.getattrRecent(ino, maxAgeMs);
    return { attr: this.withBuffered(recent.attr), ageMs: recent.ageMs };
  }
  async setattr(caller: Caller, ino: Ino, changes: AttrChanges): Promise<Attr> {
    // A setattr adds no security.capability: a file known clean stays so unless it now has a
    // setuid or setgid bit (tar's utimes, chown and chmod after each write; a chmod may set one).
    if (changes.mode !== undefined) this.unprivileged.forget(ino);
    const attr = (await this.setattrWithWrites(caller, ino, changes)) ?? (await this.meta.setattr(caller, ino, changes));
    if (attr.mode & 0o6000) this.unprivileged.forget(ino);
    return this.withBuffered(attr);
  }

  /**
   * Buffered writes commit first: their commit sets the length, and the mtime to its own time,
   * which must not undo a time set after them (tar and cp -p write, then futimens, then close).
   * A time change rides with that commit, one transaction for both; a truncate waits for it. The
   * attributes set, or undefined when nothing was buffered (then a setattr of its own follows).
   */
  private async setattrWithWrites(caller: Caller, ino: Ino, changes: AttrChanges): Promise<Attr | undefined> {
    if (changes.length !== undefined) {
      await this.flushInode(ino);
      return undefined;
    }
    const writer = changes.mtime !== undefined ? this.handles.existingWriter(ino) : undefined;
    if (!writer) return undefined;
    if (changes.dropPrivileges) {
      await writer.flush(); // not a change a commit carries
      return undefined;
    }
    const setattr: CommitSetattr = { caller, changes };
    const attr = await writer.flush({ setattr });
    if (attr && setattr.refused) throw setattr.refused;
    return attr;
  }
  access(caller: Caller, ino: Ino, mask: number): Promise<void> {
    return this.meta.access(caller, ino, mask);
  }
  mknod(caller: Caller, parent: Ino, name: Buffer, spec: NodeSpec): Promise<Attr> {
    return this.meta.mknod(caller, parent, name, spec);
  }
  mkdir(caller: Caller, parent: Ino, name: Buffer, mode: number): Promise<Attr> {
    return this.meta.mkdir(caller, parent, name, mode);
  }
  symlink(caller: Caller, parent: Ino, name: Buffer, target: Buffer): Promise<Attr> {
    return this.meta.symlink(caller, parent, name, target);
  }
  link(caller: Caller, ino: Ino, parent: Ino, name: Buffer): Promise<Attr> {
    return this.meta.link(caller, ino, parent, name);
  }
  unlink(caller: Caller, parent: Ino, name: Buffer): Promise<void> {
    return this.meta.unlink(caller, parent, name);
  }
  rmdir(caller: Caller, parent: Ino, name: Buffer): Promise<void> {
    return this.meta.rmdir(caller, parent, name);
  }
  rename(caller: Caller, spec: RenameSpec): Promise<void> {
    return this.meta.rename(caller, spec);
  }
  readdir(caller: Caller, ino: Ino, options?: ReaddirOptions): Promise<DirPage> {
    return this.meta.readdir(caller, ino, options);
  }
  readlink(ino: Ino): Promise<Buffer> {
    return this.meta.readlink(ino);
  }

  /** ftruncate(2): sets the length through a handle open for writing (EINVAL otherwise). */
  async ftruncate(caller: Caller, fh: number, length: number): Promise<Attr> {
    const handle = this.handle(fh, 'ftruncate');
    if (!canWrite(handle.flags)) throw new FsError('EINVAL', { syscall: 'ftruncate', ino: handle.ino, detail: 'not open for writing' });
    return this.setattr(caller, handle.ino, { length, viaHandle: true });
  }

  /** Opens an existing inode; O_TRUNC empties it (and with `dropPrivileges`, clears setuid/setgid as a write does). */
  async open(caller: Caller, ino: Ino, flags: number, options: { dropPrivileges?: boolean } = {}): Promise<{ handle: FileHandle; attr: Attr }> {
    const readAt = this.meta.writeMark();
    const opened = await this.meta.open(caller, ino, flags, { withHead: canRead(flags) && (flags & O_TRUNC) === 0 });
    let { attr } = opened;
    try {
      // Even an empty file: O_TRUNC marks ctime and mtime for update (POSIX open()); with
      // O_RDONLY too, as Linux does (the kernel has checked write permission for O_TRUNC).
      if (flags & O_TRUNC && attr.type === 'file') {
        await this.flushInode(ino);
        attr = await this.meta.setattr(caller, ino, { length: 0, viaHandle: true, dropPrivileges: options.dropPrivileges });
      }
    } catch (err) {
      await this.meta.release(ino);
      throw err;
    }
    const handle = this.handles.add(ino, flags);
    if (opened.head) handle.head = { file: { length: attr.length, ...opened.head }, readAt };
    if (canWrite(flags) && attr.type === 'file') this.handles.writer(ino, () => this.chunks.writer(ino, { empty: (flags & O_TRUNC) !== 0 }));
    return { handle, attr: this.withBuffered(attr) };
  }

  /** Creates and opens a file (O_CREAT); an existing one is opened unless O_EXCL. */
  async create(
    caller: Caller,
    at: { parent: Ino; name: Buffer },
    spec: { mode: number; flags: number; dropPrivileges?: boolean },
  ): Promise<{ handle: FileHandle; attr: Attr; created: boolean }> {
    let created = true;
    let attr: Attr;
    try {
      attr = await this.meta.create(caller, at.parent, at.name, spec.mode);
    } catch (err) {
      if (!(err instanceof FsError && err.code === 'EEXIST') || spec.flags & O_EXCL) throw err;
      attr = await this.meta.lookup(caller, at.parent, at.name);
      created = false;
    }
    // A file this call created may be opened for writing even if its new mode forbids it (POSIX).
    const flags = spec.flags & ~(O_CREAT | O_EXCL);
    const opened = created ? await this.openCreated(attr, flags) : await this.open(caller, attr.ino, flags, { dropPrivileges: spec.dropPrivileges });
    return { ...opened, created };
  }

  /**
   * writeFile of a new file with small data (up to `chunks.smallFileLimit` bytes): the data is
   * uploaded, then the file is created holding it, in one transaction and without a handle.
   * EEXIST if the name is taken (nothing is left behind).
   */
  createFile(caller: Caller, at: { parent: Ino; name: Buffer }, spec: { mode: number; data: Buffer }): Promise<Attr> {
    return this.chunks.createWith(spec.data, (writes) => this.meta.createFile(caller, at.parent, at.name, { mode: spec.mode, writes }));
  }

  /** A handle on a file `meta.create` made and opened (its mode may forbid what the creator may do: POSIX allows it). */
  private async openCreated(attr: Attr, flags: number): Promise<{ handle: FileHandle; attr: Attr }> {
    const handle = this.handles.add(attr.ino, flags);
    if (canWrite(flags)) this.handles.writer(attr.ino, () => this.chunks.writer(attr.ino, { empty: true }));
    // A new file has no xattrs; without setuid/setgid its first write needs no privilege check.
    if ((attr.mode & 0o6000) === 0) this.unprivileged.add(attr.ino);
    return { handle, attr };
  }

  private handle(fh: number, syscall: string): FileHandle {
    const handle = this.handles.get(fh);
    if (!handle) throw new FsError('EBADF', { syscall, detail: `no open file ${fh}` });
    return handle;
  }

  /**
   * Reads up to `length` bytes at `offset`; sees this client's buffered writes. The result may be
   * the block cache's own memory (a read within one block is not copied): read it, never write to it.
   */
  async read(fh: number, offset: number, length: number): Promise<Buffer> {
    const handle = this.handle(fh, 'read');
    if (!canRead(handle.flags)) throw new FsError('EBADF', { syscall: 'read', ino: handle.ino, detail: 'not open for reading' });
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0) throw new FsError('EINVAL', { syscall: 'read', ino: handle.ino });
    await this.flushInode(handle.ino);
    // A small file as its open read it (close-to-open), while this client has not written it
    // since (that would be a write this reader must see) and for at most a second.
    const { head } = handle;
    if (head && !this.meta.writtenSince(handle.ino, head.readAt)) {
      try {
        return await this.chunks.readHead(head.file, { offset, length });
      } catch (err) {
        // A slice it names may have been compacted away and deleted since the open: read afresh.
        if (!isFsError(err, 'EIO')) throw err;
      }
    }
    handle.head = undefined;
    const attr = await this.meta.getattr(handle.ino);
    if (attr.type === 'dir') throw new FsError('EISDIR', { syscall: 'read', ino: handle.ino });
    if (attr.type !== 'file') throw new FsError('EINVAL', { syscall: 'read', ino: handle.ino });
    return this.chunks.read(attr, { offset, length });
  }

  /**
   * Buffers a write at `offset`; returns the offset written at. An O_APPEND handle ignores
   * `offset` and returns undefined: the write lands at the file's end as the metadata engine
   * sees it when the write is committed, after every append committed before it by any client.
   */
  async write(fh: number, offset: number, data: Buffer): Promise<number | undefined> {
    const handle = this.handle(fh, 'write');
    const writer = this.handles.existingWriter(handle.ino);
    if (!canWrite(handle.flags) || !writer) throw new FsError('EBADF', { syscall: 'write', ino: handle.ino, detail: 'not open for writing' });
    if (handle.flags & O_APPEND) {
      await writer.append(data);
      return undefined;
    }
    await writer.write(offset, data);
    return offset;
  }

  /** Commits the inode's buffered writes; `durable` (fsync): they, and its earlier commits, survive a power cut. */
  async flushInode(ino: Ino, options?: { durable?: boolean }): Promise<void> {
    // Even when nothing is buffered: a commit another request started may still be on its way
    // to the metadata (the writer is not dirty meanwhile), and a read must wait for it.
    const writer = this.handles.existingWriter(ino);
    if (writer) await writer.flush(options);
    else if (options?.durable) await this.chunks.sync(ino);
  }

  /** flush(2) of one handle: commits the inode's buffered writes; `durable`: fsync(2)/fdatasync(2), DESIGN §4. */
  async flush(fh: number, options?: { durable?: boolean }): Promise<void> {
    await this.flushInode(this.handle(fh, 'flush').ino, options);
  }

  /** fsync(2) of a directory: every namespace change is one commit already; this makes them durable. */
  async syncDir(ino: Ino): Promise<void> {
    await this.meta.syncInode(ino);
  }

  /**
   * What a write or truncate by someone without CAP_FSETID does first (the mount leaves it to us:
   * FUSE_HANDLE_KILLPRIV_V2): clears setuid, setgid when group-executable, and
   * `security.capability`, as Linux's file_remove_privs does. Checked once per inode until this
   * client changes its attributes; returns the new attributes when something was cleared.
   */
  async dropPrivileges(caller: Caller, ino: Ino): Promise<Attr | undefined> {
    if (this.unprivileged.has(ino)) return undefined;
    const attr = await this.meta.getattr(ino);
    if (attr.type !== 'file') return undefined;
    const capability = await this.meta.getxattr(ROOT_CALLER, ino, CAPABILITY_XATTR).catch((err: unknown) => {
      if (err instanceof FsError && err.code === 'ENODATA') return undefined;
      throw err;
    });
    const changed = privilegesDropped(caller, attr) || capability ? await this.meta.setattr(caller, ino, { dropPrivileges: true }) : undefined;
    // Only a file with neither bit left is known clean for every caller (setgid without group
    // execute is dropped only for callers outside the file's group).
    if (((changed ?? attr).mode & 0o6000) === 0) {
      this.unprivileged.add(ino);
    }
    return changed && this.withBuffered(changed);
  }

  /** Closes a handle: commits its writes, and reports a failed commit. */
  async release(fh: number): Promise<void> {
    const handle = this.handles.remove(fh);
    if (!handle) throw new FsError('EBADF', { syscall: 'close', detail: `no open file ${fh}` });
    try {
      await this.flushInode(handle.ino);
    } finally {
      if (canWrite(handle.flags)) this.handles.releaseWriter(handle.ino);
      await this.meta.release(handle.ino);
    }
  }

  /** fallocate(2) on a handle open for writing, after committing its buffered writes. */
  async fallocate(fh: number, spec: FallocateSpec): Promise<Attr> {
    const handle = this.handle(fh, 'fallocate');
    if (!canWrite(handle.flags)) throw new FsError('EBADF', { syscall: 'fallocate', ino: handle.ino, detail: 'not open for writing' });
    await this.flushInode(handle.ino);
    return this.withBuffered(await this.meta.fallocate(handle.ino, spec));
  }

  /** Record locks, kept in the metadata engine so they hold across clients. */
  getlk(ino: Ino, probe: LockProbe & { owner: string }): Promise<{ lock: LockRecord; ours: boolean } | undefined> {
    return this.meta.getlk(ino, probe);
  }
  setlk(ino: Ino, req: LockRequest, options?: { wait?: boolean; signal?: AbortSignal }): Promise<void> {
    return this.meta.setlk(ino, req, options);
  }
  releaseLocks(ino: Ino, owner: { owner: string; kind: LockRecord['kind'] }): Promise<void> {
    return this.meta.releaseLocks(ino, owner);
  }

  getxattr(caller: Caller, ino: Ino, name: string): Promise<Buffer> {
    if (this.knownAbsent(ino, name)) return Promise.reject(new FsError('ENODATA', { syscall: 'getxattr', path: name }));
    return this.meta.getxattr(caller, ino, name);
  }
  /**
   * True when `ino` is known here to have no xattr `name` without asking the engine: the
   * kernel's `security.capability` probe before a write, of a file just created or checked here.
   * (A front end answers ENODATA without building an error: the probe comes before every write.)
   */
  knownAbsent(ino: Ino, name: string): boolean {
    return name === CAPABILITY_XATTR && this.unprivileged.has(ino);
  }
  setxattr(caller: Caller, ino: Ino, name: string, value: Buffer, flags?: number): Promise<void> {
    this.unprivileged.forget(ino);
    return this.meta.setxattr(caller, ino, name, value, flags);
  }
  listxattr(caller: Caller, ino: Ino): Promise<string[]> {
    return this.meta.listxattr(caller, ino);
  }
  removexattr(caller: Caller, ino: Ino, name: string): Promise<void> {
    this.unprivileged.forget(ino);
    return this.meta.removexattr(caller, ino, name);
  }

  /**
   * copy_file_range(2): shares the source's slices into the destination (metadata only) after
   * committing both files' buffered writes; returns bytes copied.
   */
  async copyFileRange(spec: { fhIn: number; offIn: number; fhOut: number; offOut: number; length: number }): Promise<number> {
    const src = this.handle(spec.fhIn, 'copy_file_range');
    const dst = this.handle(spec.fhOut, 'copy_file_range');
    if (!canRead(src.flags) || !canWrite(dst.flags) || dst.flags & O_APPEND) {
      throw new FsError('EBADF', { syscall: 'copy_file_range', ino: dst.ino, detail: 'source not readable or destination not writable' });
    }
    await this.flushInode(src.ino);
    await this.flushInode(dst.ino);
    const n = await this.meta.copyRange({ src: src.ino, srcOffset: spec.offIn, dst: dst.ino, dstOffset: spec.offOut, length: spec.length });
    this.chunks.compactLater(dst.ino, [Math.floor(spec.offOut / CHUNK_SIZE), Math.floor((spec.offOut + n) / CHUNK_SIZE)]);
    return n;
  }

  /** Commits every open file's writes (unmount, SIGTERM). */
  async flushAll(): Promise<void> {
    const inos = new Set(this.handles.all().map((h) => h.ino));
    await Promise.all([...inos].map((ino) => this.flushInode(ino)));
  }

  /**
   * Closes every handle, then the data layer. Every handle is closed even when a commit fails;
   * then the first failure is reported (what it could not commit is lost, as at close(2)).
   */
  async close(): Promise<void> {
    let failure: unknown;
    for (const h of this.handles.all()) {
      await this.release(h.fh).catch((err: unknown) => {
        failure ??= err;
      });
    }
    await this.chunks.close();
    if (failure !== undefined) throw failure;
  }
}
