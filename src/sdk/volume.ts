import { ChunkStore, type ChunkStoreOptions } from '../chunk/chunk-store.js';
import { FsError } from '../errors/index.js';
import type { CloneOptions } from '../meta/clone/clone-spec.js';
import { RENAME_NOREPLACE, type VolumeUsage } from '../meta/meta.js';
import { spaceInfo, summarize, type SpaceInfo, type TreeSummary } from '../meta/space/tree-usage.js';
import { resolveParent } from '../meta/paths.js';
import { type Attr, type Caller, type Timespec, type VolumeSettings } from '../meta/types.js';
import { fromMillis } from '../meta/times.js';
import { VolumeMeta } from '../meta/volume-meta.js';
import { openObjectStore } from '../object/registry.js';
import { O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW } from '../vfs/open-flags.js';
import { Vfs } from '../vfs/vfs.js';
import { VolumeFileHandle } from './file-handle.js';
import { formatVolume, type FormatOptions } from './format-volume.js';
import { parseOpenFlags } from './open-flags.js';
import { VolumeDirent, VolumeStats } from './stats.js';
import { withPaths } from './volume-errors.js';

/** How to open a volume. */
export interface OpenOptions extends ChunkStoreOptions {
  /** Credentials for permission checks (default: this process's uid/gid, umask 022). */
  caller?: Partial<Caller>;
  /** Name recorded in the session. */
  program?: string;
  /** How long the session lives without a heartbeat before other clients clean up after it (default 60 s). */
  sessionTtlMs?: number;
  /** Read the volume without changing it: no session is registered, and writes fail with EROFS (SQLite opens its file read-only). */
  readOnly?: boolean;
}

/** A time as Node's utimes takes it: seconds, a Date, or a Timespec. */
export type TimeLike = number | Date | Timespec;

const toTimespec = (t: TimeLike): Timespec =>
  t instanceof Date ? fromMillis(t.getTime()) : typeof t === 'number' ? fromMillis(t * 1000) : t;

/** A slicefs volume, with an API shaped like node:fs/promises on volume paths. */
export class Volume {
  private constructor(
    readonly vfs: Vfs,
    readonly meta: VolumeMeta,
    readonly caller: Caller,
  ) {}

  /** Formats a new volume (see FormatOptions). */
  static format(metaUrl: string, name: string, options?: FormatOptions): Promise<VolumeSettings> {
    return formatVolume(metaUrl, name, options);
  }

  /** Opens a formatted volume by its metadata URL. */
  static async open(metaUrl: string, options: OpenOptions = {}): Promise<Volume> {
    const meta = await VolumeMeta.open(metaUrl, { program: options.program ?? 'sdk', sessionTtlMs: options.sessionTtlMs, readOnly: options.readOnly });
    try {
      const store = await openObjectStore(meta.settings.storage);
      const caller: Caller = {
        uid: process.getuid?.() ?? 0,
        gid: process.getgid?.() ?? 0,
        gids: process.getgroups?.() ?? [],
        umask: 0o022,
        ...options.caller,
      };
      return new Volume(new Vfs(meta, new ChunkStore(meta, store, options.readOnly ? { ...options, deleteObjects: false } : options)), meta, caller);
    } catch (err) {
      await meta.close();
      throw err;
    }
  }

  /** The volume's settings. */
  get settings(): VolumeSettings {
    return this.meta.settings;
  }

  private resolve(path: string, follow = true): Promise<Attr> {
    return this.meta.resolve(this.caller, path, follow);
  }

  private async parentOf(path: string, syscall: string): Promise<{ parent: Attr; name: Buffer }> {
    const { parent, name } = await resolveParent(this.meta.engine, this.caller, { path, syscall });
    if (!name) throw new FsError(syscall === 'mkdir' ? 'EEXIST' : 'EBUSY', { syscall, path, detail: 'the root' });
    return { parent, name };
  }

  async stat(path: string): Promise<VolumeStats> {
    return withPaths({ syscall: 'stat', path }, async () => new VolumeStats(await this.vfs.getattr((await this.resolve(path)).ino)));
  }
  async lstat(path: string): Promise<VolumeStats> {
    return withPaths({ syscall: 'lstat', path }, async () => new VolumeStats(await this.vfs.getattr((await this.resolve(path, false)).ino)));
  }
  async exists(path: string): Promise<boolean> {
    return this.resolve(path).then(() => true, (err: unknown) => (err instanceof FsError && err.code === 'ENOENT' ? false : Promise.reject(err)));
  }

  /** Opens a file: flags as Node takes them ('r', 'w+', 'ax', or numbers). */
  async open(path: string, flags: string | number = 'r', mode = 0o666): Promise<VolumeFileHandle> {
    return withPaths({ syscall: 'open', path }, async () => {
      const f = parseOpenFlags(flags);
      let opened;
      if (f & O_CREAT) {
        const { parent, name } = await this.parentOf(path, 'open');
        const existing = f & O_EXCL ? undefined : await this.resolve(path).catch(() => undefined);
        opened = existing
          ? await this.vfs.open(this.caller, existing.ino, f & ~O_CREAT)
          : await this.vfs.create(this.caller, { parent: parent.ino, name }, { mode, flags: f });
      } else {
        const attr = await this.resolve(path, !(f & O_NOFOLLOW));
        if (attr.type === 'symlink') throw new FsError('ELOOP');
        if (f & O_DIRECTORY && attr.type !== 'dir') throw new FsError('ENOTDIR');
        opened = await this.vfs.open(this.caller, attr.ino, f);
      }
      return new VolumeFileHandle(this.vfs, this.caller, { fh: opened.handle.fh, ino: opened.handle.ino, path });
    });
  }

  async readFile(path: string): Promise<Buffer>;
  async readFile(path: string, encoding: BufferEncoding): Promise<string>;
  async readFile(path: string, encoding?: BufferEncoding): Promise<Buffer | string> {
    const handle = await this.open(path, 'r');
    try {
      const data = await handle.readFile();
      return encoding ? data.toString(encoding) : data;
    } finally {
      await handle.close();
    }
  }

  async writeFile(path: string, data: Buffer | string, options: { mode?: number; flag?: string } = {}): Promise<void> {
    const handle = await this.open(path, options.flag ?? 'w', options.mode);
    try {
      await handle.write(data);
    } finally {
      await handle.close();
    }
  }

  appendFile(path: string, data: Buffer | string, options: { mode?: number } = {}): Promise<void> {
    return this.writeFile(path, data, { ...options, flag: 'a' });
  }

  /** mkdir; `recursive` creates missing parents and returns the first directory made. */
  async mkdir(path: string, options: { recursive?: boolean; mode?: number } = {}): Promise<string | undefined> {
    const mode = options.mode ?? 0o777;
    return withPaths({ syscall: 'mkdir', path }, async () => {
      if (!options.recursive) {
        const { parent, name } = await this.parentOf(path, 'mkdir');
        await this.vfs.mkdir(this.caller, parent.ino, name, mode);
        return undefined;
      }
      let first: string | undefined;
      let dir = await this.resolve('/');
      const parts = path.split('/').filter((p) => p && p !== '.');
      for (let i = 0; i < parts.length; i++) {
        const sofar = `/${parts.slice(0, i + 1).join('/')}`;
        const name = Buffer.from(parts[i]!);
        let next: Attr;
        try {
          next = await this.vfs.mkdir(this.caller, dir.ino, name, mode);
          first ??= sofar;
        } catch (err) {
          if (!(err instanceof FsError && err.code === 'EEXIST')) throw err;
          next = await this.resolve(sofar);
        }
        if (next.type !== 'dir') throw new FsError(i === parts.length - 1 ? 'EEXIST' : 'ENOTDIR');
        dir = next;
      }
      return first;
    });
  }

  async readdir(path: string): Promise<string[]>;
  async readdir(path: string, options: { withFileTypes: true }): Promise<VolumeDirent[]>;
  async readdir(path: string, options: { withFileTypes?: boolean } = {}): Promise<string[] | VolumeDirent[]> {
    return withPaths({ syscall: 'scandir', path }, async () => {
      const dir = await this.resolve(path);
      const entries: VolumeDirent[] = [];
      for (let after: Buffer | undefined, more = true; more; ) {
        const page = await this.vfs.readdir(this.caller, dir.ino, { after, limit: 10_000 });
        for (const e of page.entries) entries.push(new VolumeDirent(e, path));
        after = page.next;
        more = page.next !== undefined;
      }
      return options.withFileTypes ? entries : entries.map((e) => e.name);
    });
  }

  /** rename(2); `noReplace` fails with EEXIST instead of replacing. */
  async rename(from: string, to: string, options: { noReplace?: boolean } = {}): Promise<void> {
    return withPaths({ syscall: 'rename', path: from, dest: to }, async () => {
      const a = await this.parentOf(from, 'rename');
      const b = await this.parentOf(to, 'rename');
      await this.vfs.rename(this.caller, {
        parent: a.parent.ino, name: a.name, newParent: b.parent.ino, newName: b.name, flags: options.noReplace ? RENAME_NOREPLACE : 0,
      });
    });
  }

  async unlink(path: string): Promise<void> {
    return withPaths({ syscall: 'unlink', path }, async () => {
      const { parent, name } = await this.parentOf(path, 'unlink');
      await this.vfs.unlink(this.caller, parent.ino, name);
    });
  }

  async rmdir(path: string): Promise<void> {
    return withPaths({ syscall: 'rmdir', path }, async () => {
      const { parent, name } = await this.parentOf(path, 'rmdir');
      await this.vfs.rmdir(this.caller, parent.ino, name);
    });
  }

  /** rm; `recursive` removes directories with their contents, `force` ignores a missing path. */
  async rm(path: string, options: { recursive?: boolean; force?: boolean } = {}): Promise<void> {
    let attr: Attr;
    try {
      attr = await withPaths({ syscall: 'rm', path }, () => this.resolve(path, false));
    } catch (err) {
      if (options.force && err instanceof FsError && err.code === 'ENOENT') return;
      throw err;
    }
    if (attr.type !== 'dir') return this.unlink(path);
    if (!options.recursive) throw new FsError('EISDIR', { syscall: 'rm', path, detail: 'use recursive to remove a directory' });
    for (const name of await this.readdir(path)) await this.rm(`${path.replace(/\/+$/, '')}/${name}`, options);
    await this.rmdir(path);
  }

  async symlink(target: string, path: string): Promise<void> {
    return withPaths({ syscall: 'symlink', path: target, dest: path }, async () => {
      const { parent, name } = await this.parentOf(path, 'symlink');
      await this.vfs.symlink(this.caller, parent.ino, name, Buffer.from(target));
    });
  }

  async readlink(path: string): Promise<string> {
    return withPaths({ syscall: 'readlink', path }, async () => (await this.vfs.readlink((await this.resolve(path, false)).ino)).toString());
  }

  async link(existing: string, path: string): Promise<void> {
    return withPaths({ syscall: 'link', path: existing, dest: path }, async () => {
      const attr = await this.resolve(existing, false);
      const { parent, name } = await this.parentOf(path, 'link');
      await this.vfs.link(this.caller, attr.ino, parent.ino, name);
    });
  }

  async chmod(path: string, mode: number): Promise<void> {
    return withPaths({ syscall: 'chmod', path }, async () => void (await this.vfs.setattr(this.caller, (await this.resolve(path)).ino, { mode })));
  }

  async chown(path: string, uid: number, gid: number): Promise<void> {
    return withPaths({ syscall: 'chown', path }, async () => {
      const changes = { ...(uid >= 0 ? { uid } : {}), ...(gid >= 0 ? { gid } : {}) };
      await this.vfs.setattr(this.caller, (await this.resolve(path)).ino, changes);
    });
  }

  async utimes(path: string, atime: TimeLike, mtime: TimeLike): Promise<void> {
    return withPaths({ syscall: 'utime', path }, async () => {
      await this.vfs.setattr(this.caller, (await this.resolve(path)).ino, { atime: toTimespec(atime), mtime: toTimespec(mtime) });
    });
  }

  async truncate(path: string, length = 0): Promise<void> {
    return withPaths({ syscall: 'truncate', path }, async () => {
      const attr = await this.resolve(path);
      if (attr.type === 'dir') throw new FsError('EISDIR');
      const { handle } = await this.vfs.open(this.caller, attr.ino, 1);
      try {
        await this.vfs.ftruncate(this.caller, handle.fh, length);
      } finally {
        await this.vfs.release(handle.fh);
      }
    });
  }

  async getxattr(path: string, name: string): Promise<Buffer> {
    return withPaths({ syscall: 'getxattr', path }, async () => this.vfs.getxattr(this.caller, (await this.resolve(path)).ino, name));
  }
  async setxattr(path: string, name: string, value: Buffer | string, flags = 0): Promise<void> {
    return withPaths({ syscall: 'setxattr', path }, async () =>
      this.vfs.setxattr(this.caller, (await this.resolve(path)).ino, name, Buffer.from(value), flags),
    );
  }
  async listxattr(path: string): Promise<string[]> {
    return withPaths({ syscall: 'listxattr', path }, async () => this.vfs.listxattr(this.caller, (await this.resolve(path)).ino));
  }
  async removexattr(path: string, name: string): Promise<void> {
    return withPaths({ syscall: 'removexattr', path }, async () => this.vfs.removexattr(this.caller, (await this.resolve(path)).ino, name));
  }

  /**
   * Clones `src` to `dst` by copying metadata only: no data is read or written, both sides
   * share their blocks, and later writes to either side go to new blocks (DESIGN §3).
   * A `dst` ending in `/` means `dst/<basename of src>`. `target` names the volume of `dst`
   * when it is not this one (EXDEV unless it is the same volume).
   */
  async clone(src: string, dst: string, options: CloneOptions & { target?: Volume } = {}): Promise<VolumeStats> {
    const to = dst.endsWith('/') ? `${dst}${src.replace(/\/+$/, '').split('/').pop() ?? ''}` : dst;
    return withPaths({ syscall: 'clone', path: src, dest: to }, async () => {
      if (options.target && options.target.settings.uuid !== this.settings.uuid) {
        throw new FsError('EXDEV', { detail: 'source and destination are on different volumes' });
      }
      const source = await this.resolve(src, false);
      const { parent, name } = await this.parentOf(to, 'clone');
      if (source.type === 'dir') await this.vfs.flushAll();
      else await this.vfs.flushInode(source.ino);
      const attr = await this.meta.clone(this.caller, { src: source.ino, parent: parent.ino, name }, options);
      return new VolumeStats(attr);
    });
  }

  /** du-like totals of a path: size, files and directories (clones count fully). */
  async summary(path: string): Promise<TreeSummary> {
    return withPaths({ syscall: 'summary', path }, async () => summarize(this.meta.engine, await this.resolve(path, false)));
  }

  /** A path's inode, type and bytes: logical, shared with other files, and exclusive (what deleting it frees). */
  async info(path: string): Promise<SpaceInfo & { ino: number; type: string }> {
    return withPaths({ syscall: 'info', path }, async () => {
      await this.vfs.flushAll();
      const attr = await this.resolve(path, false);
      return { ino: attr.ino, type: attr.type, ...(await spaceInfo(this.meta.engine, attr)) };
    });
  }

  /** Logical usage: bytes of files and number of inodes. */
  statfs(): Promise<VolumeUsage> {
    return this.meta.usage();
  }

  /** Waits for background work (compaction, object deletion) to finish. */
  async settle(): Promise<void> {
    await this.meta.flush();
    await this.vfs.chunks.settle();
  }

  /** Commits open files, ends the session and closes connections. */
  async close(): Promise<void> {
    await this.vfs.close();
    await this.vfs.chunks.store.close();
    await this.meta.close();
  }
}
