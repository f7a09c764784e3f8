import { randomBytes } from 'node:crypto';
import { linkSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FsError, toFsError } from '../../../errors/index.js';
import { checkObjectKey } from '../../object-key.js';
import type { ByteRange, ListOptions, ListPage, ObjectInfo, ObjectStore } from '../../object-store.js';
import { ensureDir } from './ensure-dir.js';
import { syncPath } from './sync-path.js';
import { walkKeys } from './walk-keys.js';

const TMP = '.tmp';
/**
 * A temp file this old belongs to a put whose process died between writing and linking it
 * (kill -9, power loss); no put takes this long. The first put of each store removes them.
 */
const ABANDONED_TEMP_MS = 3_600_000;
/** Files fsynced at once by one `sync`. */
const SYNC_PARALLEL = 16;
/**
 * Objects up to this size are written with blocking calls on the event loop: a few tens of
 * microseconds on a local disk, where the thread pool costs two hand-offs per call (five calls
 * per put), which dominated writing small files.
 */
const SMALL_PUT = 64 * 1024;
/** Temp names: unique across processes (a random prefix per process) without a random draw per put. */
const tempPrefix = `${randomBytes(6).toString('hex')}-${process.pid}-`;
let tempCounter = 0;

/**
 * Objects as files under a root directory. A put writes a temp file and hard-links it
 * into place, so readers see whole objects only and an existing object is never replaced.
 */
export class FileStore implements ObjectStore {
  readonly supports = { noOverwrite: true, deleteMany: false, createBucket: false };
  private readonly made = new Set<string>();
  /** Directories whose own name (in their parent) is known durable: synced once per store. */
  private readonly durableDirs = new Set<string>();
  private swept: Promise<void> | undefined;

  constructor(
    readonly url: string,
    private readonly root: string,
  ) {}

  private pathOf(key: string, syscall: string): string {
    checkObjectKey(key, syscall);
    if (key === TMP || key.startsWith(`${TMP}/`)) {
      throw new FsError('EINVAL', { syscall, path: key, detail: 'reserved object key' });
    }
    return path.join(this.root, key);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const file = this.pathOf(key, 'put');
    const tmp = path.join(this.root, TMP, `${tempPrefix}${tempCounter++}`);
    const small = data.length <= SMALL_PUT;
    try {
      await this.directory(path.dirname(tmp));
      await (this.swept ??= this.removeAbandoned(path.dirname(tmp)));
      await this.directory(path.dirname(file));
      if (small) {
        writeFileSync(tmp, data);
        linkSync(tmp, file);
      } else {
        await fs.writeFile(tmp, data);
        await fs.link(tmp, file);
      }
    } catch (err) {
      throw toFsError(err, { syscall: 'put', path: key });
    } finally {
      if (small) rmSync(tmp, { force: true });
      else await fs.rm(tmp, { force: true });
    }
  }

  /**
   * fsyncs each object's file, then each directory holding one (its new names), then, once per
   * store, the ancestors of those directories up to the root's parent (directories a put created).
   */
  async sync(keys: readonly string[]): Promise<void> {
    const files = keys.map((key) => path.resolve(this.pathOf(key, 'sync')));
    let failed: { err: unknown; file: string } | undefined;
    const syncAll = async (paths: readonly string[], what: 'file' | 'dir') => {
      let next = 0;
      const worker = async () => {
        while (next < paths.length && !failed) {
          const p = paths[next++]!;
          // An object deleted since (its slice dropped) needs no sync; nor does a directory removed with it.
          await syncPath(p, what).catch((err: unknown) => {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') failed ??= { err, file: p };
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(SYNC_PARALLEL, paths.length) }, worker));
      if (failed) throw toFsError(failed.err, { syscall: 'sync', path: path.relative(this.root, failed.file) || '.' });
    };
    await syncAll(files, 'file');
    const dirs = [...new Set(files.map((f) => path.dirname(f)))];
    // A directory's name lives in its parent: up the tree to the root's own name, until one is known durable.
    const root = path.resolve(this.root);
    const unsure = new Set<string>();
    for (const dir of dirs) {
      for (let d = dir; !this.durableDirs.has(d) && (d + path.sep).startsWith(root + path.sep) && path.dirname(d) !== d; d = path.dirname(d)) unsure.add(d);
    }
    await syncAll([...new Set([...dirs, ...[...unsure].map((d) => path.dirname(d))])], 'dir');
    if (this.durableDirs.size > 100_000) this.durableDirs.clear();
    for (const d of unsure) this.durableDirs.add(d);
  }

  /** Deletes temp files left by puts that never finished (best effort: another process may race us). */
  private async removeAbandoned(dir: string): Promise<void> {
    const cutoff = Date.now() - ABANDONED_TEMP_MS;
    for (const name of await fs.readdir(dir).catch(() => [])) {
      const file = path.join(dir, name);
      const st = await fs.stat(file).catch(() => undefined);
      if (st && st.mtimeMs < cutoff) await fs.rm(file, { force: true }).catch(() => undefined);
    }
  }

  /** Creates a directory once per store (objects are put far more often than directories appear). */
  private async directory(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await ensureDir(dir);
    if (this.made.size > 100_000) this.made.clear();
    this.made.add(dir);
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    const file = this.pathOf(key, 'get');
    try {
      if (!range) return await fs.readFile(file);
      const handle = await fs.open(file, 'r');
      try {
        const length = range.length ?? (await handle.stat()).size - range.offset;
        const buffer = Buffer.alloc(Math.max(0, length));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, range.offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw toFsError(err, { syscall: 'get', path: key });
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.pathOf(key, 'head');
    try {
      const st = await fs.stat(file);
      return st.isFile() ? { key, size: st.size } : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw toFsError(err, { syscall: 'head', path: key });
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key, 'delete');
    try {
      await fs.unlink(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw toFsError(err, { syscall: 'delete', path: key });
    }
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const { prefix = '', startAfter = '', limit = 1000 } = options;
    const objects: ObjectInfo[] = [];
    try {
      for await (const entry of walkKeys(this.root, { prefix, startAfter, skipTop: TMP })) {
        if (objects.length === limit) return { objects, next: objects[objects.length - 1]!.key };
        objects.push(entry);
      }
    } catch (err) {
      throw toFsError(err, { syscall: 'list', path: prefix });
    }
    return { objects };
  }

  async close(): Promise<void> {}
}
