import { FsError } from '../../errors/index.js';
import type { EngineTx } from '../engine.js';
import { changeLength } from './inode-records.js';
import { type Attr, CHUNK_SIZE, MAX_FILE_SIZE, type SliceId } from '../types.js';

/**
 * Sets a file's length inside a transaction (the caller stores `attr`). Shrinking drops the
 * chunks past the end and covers the rest of the last chunk with a hole, so bytes beyond the
 * new end read as zeros if the file grows again.
 */
export async function truncateIn(tx: EngineTx, attr: Attr, length: number): Promise<void> {
  if (attr.type === 'dir') throw new FsError('EISDIR', { syscall: 'truncate', ino: attr.ino });
  if (attr.type !== 'file') throw new FsError('EINVAL', { syscall: 'truncate', ino: attr.ino });
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new FsError('EINVAL', { syscall: 'truncate', ino: attr.ino, detail: `bad length ${length}` });
  }
  if (length > MAX_FILE_SIZE) throw new FsError('EFBIG', { syscall: 'truncate', ino: attr.ino });
  if (length < attr.length) {
    const lastIndex = Math.floor(length / CHUNK_SIZE);
    const pos = length % CHUNK_SIZE;
    await tx.deleteChunks(attr.ino, pos === 0 ? lastIndex : lastIndex + 1);
    if (pos !== 0 && (await tx.getChunk(attr.ino, lastIndex)).length) {
      await tx.appendChunk(attr.ino, lastIndex, [{ pos, id: 0 as SliceId, size: 0, off: 0, len: CHUNK_SIZE - pos }]);
    }
  }
  await changeLength(tx, attr, length);
}
