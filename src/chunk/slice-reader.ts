import { FsError, isFsError } from '../errors/index.js';
import type { BlockSizeOf } from '../meta/block-layout.js';
import { MAX_INLINE_SIZE, type SliceId } from '../meta/types.js';
import type { ObjectStore } from '../object/object-store.js';
import { blockKey } from './block-key.js';
import type { BlockCache } from './block-cache.js';
import type { Limiter } from '../concurrency/limiter.js';

/** Parts of a block smaller than this are fetched as a range and not cached. */
const SMALL_READ = 128 * 1024;
/** Small slices known to keep their bytes in objects, remembered up to this many (a slice never gains inline data). */
const NOT_INLINE_MAX = 100_000;

/** EIO for inline data that is not its slice's size (a damaged volume: fsck reports it). */
export function inlineSizeMismatch(slice: { id: SliceId; size: number }, data: Buffer): FsError {
  return new FsError('EIO', { syscall: 'read', path: `inline/${slice.id}`, detail: `inline data of ${data.length} bytes for a slice of ${slice.size}` });
}

/** Reads byte ranges of slices from their blocks, through the block cache. */
export class SliceReader {
  private readonly inflight = new Map<string, Promise<Buffer>>();
  private readonly inlineInflight = new Map<SliceId, Promise<Buffer | undefined>>();
  private readonly notInline = new Set<SliceId>();

  constructor(
    private readonly store: ObjectStore,
    private readonly options: {
      blockSizeOf: BlockSizeOf; cache: BlockCache; requests: Limiter; readAhead: number;
      /** The bytes of slices kept in the metadata engine (inline data); others are absent. */
      inline: (ids: readonly SliceId[]) => Promise<Map<SliceId, Buffer>>;
      /** False on a volume that never had inline data: no engine read for small slices. */
      mayBeInline: () => boolean;
    },
  ) {}

  /**
   * Bytes [off, off+len) of slice `id` of `size` bytes. A missing or short block is EIO. The
   * result may share memory with the block cache: read it, never write to it.
   */
  async read(slice: { id: SliceId; size: number }, off: number, len: number): Promise<Buffer> {
    const blockSize = this.options.blockSizeOf(slice.id);
    // A range outside the slice comes from a malformed chunk record: fail, never loop on it.
    if (!(off >= 0 && len >= 0 && off + len <= slice.size)) {
      throw new FsError('EIO', { syscall: 'read', path: blockKey(slice.id, 0, Math.min(blockSize, slice.size)), detail: `bytes ${off}+${len} lie outside the slice's ${slice.size}` });
    }
    if (slice.size <= MAX_INLINE_SIZE && this.options.mayBeInline() && !this.notInline.has(slice.id)) {
      const data = await this.inlineData(slice);
      if (data && data.length !== slice.size) throw inlineSizeMismatch(slice, data);
      if (data) return data.subarray(off, off + len);
    }
    return this.readObjects(slice, off, len);
  }

  /**
   * Bytes [off, off+len) of slice `id` from its blocks (a slice known to have no inline data).
   * A range within one block is that block's bytes as cached, not a copy (read it, never write to it).
   */
  async readObjects(slice: { id: SliceId; size: number }, off: number, len: number): Promise<Buffer> {
    const blockSize = this.options.blockSizeOf(slice.id);
    const parts: { bytes: Promise<Buffer>; dest: number }[] = [];
    for (let at = off; at < off + len; ) {
      const index = Math.floor(at / blockSize);
      const blockStart = index * blockSize;
      const blockLen = Math.min(blockSize, slice.size - blockStart);
      const end = Math.min(off + len, blockStart + blockLen);
      parts.push({ bytes: this.blockPart(blockKey(slice.id, index, blockLen), blockLen, at - blockStart, end - blockStart), dest: at - off });
      at = end;
    }
    this.readAhead(slice, off + len);
    if (parts.length === 1) return parts[0]!.bytes;
    const out = Buffer.allocUnsafe(len);
    await Promise.all(parts.map((p) => p.bytes.then((b) => void b.copy(out, p.dest))));
    return out;
  }

  /**
   * A small slice's bytes when the engine keeps them (through the block cache, one engine read
   * at a time per slice), or undefined when they are in objects (remembered: it never changes).
   */
  private async inlineData(slice: { id: SliceId; size: number }): Promise<Buffer | undefined> {
    const key = `inline/${slice.id}`;
    const { cache } = this.options;
    // Counted as a hit, or as a miss once the engine had it; a slice found in objects is counted by its block's lookup.
    const cached = cache.get(key);
    if (cached) {
      cache.hits++;
      return cached;
    }
    let pending = this.inlineInflight.get(slice.id);
    if (!pending) {
      pending = this.options.inline([slice.id]).then((found) => {
        const data = found.get(slice.id);
        if (!data) {
          if (this.notInline.size >= NOT_INLINE_MAX) this.notInline.clear();
          this.notInline.add(slice.id);
          return undefined;
        }
        cache.misses++;
        cache.set(key, data);
        return data;
      });
      this.inlineInflight.set(slice.id, pending);
      void pending.finally(() => this.inlineInflight.delete(slice.id)).catch(() => undefined);
    }
    return pending;
  }

  /** Starts fetching the blocks after `end` (sequential readers find them cached or in flight). */
  private readAhead(slice: { id: SliceId; size: number }, end: number): void {
    const { readAhead } = this.options;
    const blockSize = this.options.blockSizeOf(slice.id);
    const first = Math.ceil(end / blockSize);
    for (let index = first; index < first + readAhead && index * blockSize < slice.size; index++) {
      const blockLen = Math.min(blockSize, slice.size - index * blockSize);
      const key = blockKey(slice.id, index, blockLen);
      if (!this.options.cache.get(key)) void this.blockPart(key, blockLen, 0, blockLen).catch(() => undefined);
    }
  }

  private async blockPart(key: string, blockLen: number, from: number, to: number): Promise<Buffer> {
    const cached = this.options.cache.lookup(key);
    if (cached) return cached.subarray(from, to);
    if (to - from < SMALL_READ && to - from < blockLen) {
      const part = await this.fetch(key, { offset: from, length: to - from });
      if (part.length !== to - from) throw this.short(key);
      return part;
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetch(key).then((block) => {
        if (block.length !== blockLen) throw this.short(key);
        this.options.cache.set(key, block);
        return block;
      });
      this.inflight.set(key, pending);
      void pending.finally(() => this.inflight.delete(key)).catch(() => undefined);
    }
    return (await pending).subarray(from, to);
  }

  private async fetch(key: string, range?: { offset: number; length: number }): Promise<Buffer> {
    try {
      return await this.options.requests.run(() => this.store.get(key, range));
    } catch (err) {
      const missing = isFsError(err, 'ENOENT');
      throw new FsError('EIO', { syscall: 'read', path: key, detail: missing ? 'object missing' : String((err as Error).message), cause: err });
    }
  }

  private short(key: string): FsError {
    return new FsError('EIO', { syscall: 'read', path: key, detail: 'object shorter than its block' });
  }
}
