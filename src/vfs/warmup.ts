import { FsError, isFsError } from '../errors/index.js';
import type { Attr, Caller, Ino } from '../meta/types.js';
import { Limiter } from '../concurrency/limiter.js';
import type { Vfs } from './vfs.js';

/** What `warmup` of one path did. */
export interface WarmupReport {
  /** Regular files whose blocks were warmed (each inode once, hard links included). */
  files: number;
  /** Distinct blocks, and their bytes. */
  blocks: number;
  bytes: number;
  /** Bytes fetched from the object store now, and bytes that were in the disk cache already. */
  fetchedBytes: number;
  cachedBytes: number;
  /** Files skipped because the caller may not read them. */
  skipped: number;
}

/** How a warmup runs. */
export interface WarmupOptions {
  /** Stops it between blocks (the CLI went away, Ctrl-C): what was fetched stays cached. */
  signal?: AbortSignal;
  /** Bytes done and bytes to do, after the tree has been listed. */
  onProgress?: (done: number, total: number) => void;
  /** Blocks fetched at once (default 16). */
  concurrency?: number;
}

const R_OK = 4;
const PAGE = 1000;

/**
 * Fetches the blocks of every regular file at or below `path` into the client's disk cache
 * (`slicefs warmup`): the tree is listed first (with the caller's permissions), then the blocks
 * are fetched, each once. EINVAL when the client has no disk cache.
 */
export async function warmTree(vfs: Vfs, caller: Caller, path: string, options: WarmupOptions = {}): Promise<WarmupReport> {
  const cache = vfs.chunks.diskCache;
  if (!cache) throw new FsError('EINVAL', { syscall: 'warmup', path, detail: 'this client has no disk cache (mount with --cache-dir)' });
  const stop = () => {
    if (options.signal?.aborted) throw options.signal.reason ?? new FsError('EINTR', { syscall: 'warmup', path });
  };
  const report: WarmupReport = { files: 0, blocks: 0, bytes: 0, fetchedBytes: 0, cachedBytes: 0, skipped: 0 };
  const blocks = new Map<string, number>();
  const seen = new Set<Ino>();
  const addFile = async (attr: Attr) => {
    if (seen.has(attr.ino)) return;
    seen.add(attr.ino);
    try {
      await vfs.access(caller, attr.ino, R_OK);
    } catch (err) {
      if (!isFsError(err, 'EACCES')) throw err;
      report.skipped++;
      return;
    }
    report.files++;
    for (const b of await vfs.chunks.blocksOf(attr)) blocks.set(b.key, b.size);
  };
  const walk = async (dir: Ino): Promise<void> => {
    let after: Buffer | undefined;
    do {
      stop();
      const page = await vfs.meta.readdir(caller, dir, { after, limit: PAGE, plus: true });
      for (const e of page.entries) {
        if (e.type === 'dir') await walk(e.ino);
        else if (e.type === 'file') await addFile(e.attr ?? (await vfs.getattr(e.ino)));
      }
      after = page.next;
    } while (after);
  };
  const root = await vfs.meta.resolve(caller, path, true);
  if (root.type === 'dir') await walk(root.ino);
  else if (root.type === 'file') await addFile(root);
  report.blocks = blocks.size;
  for (const size of blocks.values()) report.bytes += size;
  options.onProgress?.(0, report.bytes);
  const limiter = new Limiter(options.concurrency ?? 16);
  let done = 0;
  await Promise.all([...blocks.keys()].map((key) => limiter.run(async () => {
    stop();
    const warmed = await cache.warm(key);
    if (warmed.cached) report.cachedBytes += warmed.bytes;
    else report.fetchedBytes += warmed.bytes;
    done += warmed.bytes;
    options.onProgress?.(done, report.bytes);
  })));
  return report;
}
