import type { SliceId } from '../meta/types.js';

/**
 * A slice being written: contiguous bytes at chunk position `pos`, kept in memory block by
 * block until each block is uploaded. Bytes of uploaded blocks can no longer change.
 */
export class PendingSlice {
  /** Bytes written so far, from `pos`. */
  len = 0;
  /** Blocks [0, uploaded) are uploaded or uploading; their buffers are gone. */
  uploaded = 0;
  /** Allocated by the first upload. */
  id: Promise<SliceId> | undefined;
  /** No more writes go here. */
  frozen = false;
  /** Committed with its bytes (inline data), never uploaded: decided when it is frozen. */
  inline = false;
  /** An O_APPEND run: committed at the file's end as the engine sees it, not at `index`/`pos`. */
  atEnd = false;
  readonly blocks = new Map<number, Buffer>();
  readonly uploads: Promise<void>[] = [];

  constructor(
    readonly index: number,
    readonly pos: number,
    private readonly blockSize: number,
  ) {}

  /** A slice for a run of appends (up to one chunk of bytes), placed when it is committed. */
  static forAppends(blockSize: number): PendingSlice {
    const slice = new PendingSlice(-1, 0, blockSize);
    slice.atEnd = true;
    return slice;
  }

  /** True when `data` at chunk position `at` can go here: it starts within or right at the end, after the uploaded part. */
  accepts(at: number, length: number, chunkSize: number): boolean {
    return !this.frozen && at >= this.pos + this.uploaded * this.blockSize && at <= this.pos + this.len && at + length <= chunkSize;
  }

  /** Copies `data` in at chunk position `at` (which `accepts`). */
  write(at: number, data: Buffer): void {
    const bs = this.blockSize;
    let rel = at - this.pos;
    let done = 0;
    while (done < data.length) {
      const b = Math.floor(rel / bs);
      const inBlock = rel - b * bs;
      const n = Math.min(bs - inBlock, data.length - done);
      let block = this.blocks.get(b);
      if (!block || block.length < inBlock + n) {
        const grown = Buffer.alloc(Math.min(bs, Math.max(inBlock + n, (block?.length ?? 0) * 2, 4096)));
        block?.copy(grown);
        this.blocks.set(b, (block = grown));
      }
      data.copy(block, inBlock, done, done + n);
      done += n;
      rel += n;
    }
    this.len = Math.max(this.len, rel);
  }

  /** Indexes of blocks that are full and not yet uploaded (all remaining ones once frozen). */
  readyBlocks(): number[] {
    const full = Math.floor(this.len / this.blockSize);
    const last = this.frozen ? Math.ceil(this.len / this.blockSize) : full;
    const ready: number[] = [];
    for (let b = this.uploaded; b < last; b++) ready.push(b);
    return ready;
  }

  /** The bytes of block `b`, trimmed to its length, and forgets the buffer. */
  takeBlock(b: number): Buffer {
    const length = Math.min(this.blockSize, this.len - b * this.blockSize);
    const block = this.blocks.get(b) ?? Buffer.alloc(0);
    this.blocks.delete(b);
    this.uploaded = Math.max(this.uploaded, b + 1);
    return block.length === length ? block : Buffer.concat([block.subarray(0, length), Buffer.alloc(Math.max(0, length - block.length))]);
  }
}
