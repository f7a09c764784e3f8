import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { checkAccess, openMask } from '../permissions.js';
import type { EngineTx, FileHeadRead } from '../engine.js';
import type { OpenedFile } from '../meta.js';
import { type Attr, type Caller, type Ino, MAX_INLINE_SIZE } from '../types.js';
import { RELEASE_DELAY_MS } from '../deferred-releases.js';
import { destroyInode } from './inode-records.js';

const O_ACCMODE = 3;
/** Files up to this length are opened with their head (OpenedFile): the largest inline slice, and one kernel read. */
const HEAD_MAX_LENGTH = MAX_INLINE_SIZE;
const W_OK = 2;

/** What open(2) checks of an inode: a directory only for reading, no symlink, the permission bits. */
export function checkOpen(caller: Caller, { attr, flags }: { attr: Attr; flags: number }): Attr {
  if (attr.type === 'dir' && (flags & O_ACCMODE) !== 0) throw new FsError('EISDIR', { syscall: 'open', ino: attr.ino });
  if (attr.type === 'symlink') throw new FsError('ELOOP', { syscall: 'open', ino: attr.ino });
  const mask = openMask(flags);
  checkAccess(caller, attr, attr.type === 'dir' ? mask & ~W_OK : mask, 'open');
  return attr;
}

/**
 * open(2) permission check. The first open of an inode in this session is recorded in the
 * engine, so that an unlink by *any* client keeps the inode (sustained) until this session
 * releases it (DESIGN §2). A record whose release is still deferred is simply kept.
 * `withHead`: a regular file of at most HEAD_MAX_LENGTH bytes comes with its first chunk and
 * that chunk's inline data, read with the inode (see `OpenedFile`).
 */
export async function open(ctx: MetaContext, caller: Caller, ino: Ino, flags: number, withHead = false): Promise<OpenedFile> {
  const held = ctx.openFiles.isOpen(ino);
  ctx.openFiles.add(ino);
  // A record whose release was deferred still exists: keep it instead of writing it again.
  const recorded = held || ctx.releases.cancel(ino);
  // Only a handle this client already holds may reach an unlinked inode (/proc/self/fd); a new
  // open of one is ENOENT, so a mount answers ESTALE and the kernel looks the name up again.
  const gone = (attr: Attr) => {
    if (!held && attr.nlink === 0) throw new FsError('ENOENT', { syscall: 'open', ino, detail: 'unlinked' });
    return attr;
  };
  const maxLength = withHead ? HEAD_MAX_LENGTH : 0;
  const read = async (tx: EngineTx): Promise<OpenedFile> => {
    const { attr, head } = await readFileHead(tx, ino, maxLength);
    if (!attr) throw new FsError('ENOENT', { syscall: 'open', ino });
    return { attr: checkOpen(caller, { attr: gone(attr), flags }), head };
  };
  const readAt = ctx.recent.mark();
  try {
    const opened = recorded
      ? await ctx.engine.read(read)
      : await ctx.engine.txn(async (tx) => {
          const opened = await read(tx);
          if (opened.attr.type !== 'dir') await tx.putSustained(ctx.session, ino);
          return opened;
        });
    if (opened.attr.nlink > 0) ctx.openFiles.seenLinked(ino, readAt);
    return opened;
  } catch (err) {
    if (ctx.openFiles.remove(ino)) ctx.releases.defer(ino);
    throw err;
  }
}

/**
 * The inode `ino` and, when it is a regular file of 1..`maxLength` bytes, its first chunk with
 * the inline data of its slices: one read on engines with `getFileHead`, else up to three.
 */
function readFileHead(tx: EngineTx, ino: Ino, maxLength: number): Promise<FileHeadRead> {
  if (maxLength <= 0) return tx.getInode(ino).then((attr) => ({ attr }));
  return tx.getFileHead ? tx.getFileHead(ino, maxLength) : readFileHeadParts(tx, ino, maxLength);
}

async function readFileHeadParts(tx: EngineTx, ino: Ino, maxLength: number): Promise<FileHeadRead> {
  const attr = await tx.getInode(ino);
  if (attr?.type !== 'file' || attr.length === 0 || attr.length > maxLength) return { attr };
  const records = await tx.getChunk(ino, 0);
  return { attr, head: { records, data: await tx.getSliceData(records.map((r) => r.id)) } };
}

/**
 * Ends one open. When this session's last handle closes, a file that still has a name has its
 * open record dropped later, in a batch (DeferredReleases); an unlinked one is finished now.
 */
export async function release(ctx: MetaContext, ino: Ino): Promise<void> {
  const linked = ctx.openFiles.linkedAt(ino);
  if (!ctx.openFiles.remove(ino)) return;
  // A name this client's own commit (the last that wrote the inode, overlapped or not), or an
  // open's read (or create) with no write of this client since, saw within the deferral delay:
  // deferring is right even if another client has unlinked it since (finishReleases reads
  // afresh; the deletion waits as it would for any deferred record), so no read is needed.
  const recent = ctx.recent.get(ino, RELEASE_DELAY_MS)?.attr;
  const seen = recent
    ? recent.nlink > 0
    : (ctx.recent.leftLinked(ino, RELEASE_DELAY_MS) ??
      (linked && Date.now() - linked.at <= RELEASE_DELAY_MS && !ctx.recent.writtenSince(ino, linked) ? true : undefined));
  if (seen) return ctx.releases.defer(ino);
  const attr = seen === undefined ? await ctx.engine.read((tx) => tx.getInode(ino)) : undefined;
  if (attr && attr.nlink > 0) return ctx.releases.defer(ino);
  await finishReleases(ctx, [ino]);
}

/** Drops this session's open records of inodes it no longer holds, deleting those unlinked that no session holds. */
export async function finishReleases(ctx: MetaContext, inos: readonly Ino[]): Promise<void> {
  await ctx.engine.txn(async (tx) => {
    for (const ino of inos) {
      if (ctx.openFiles.isOpen(ino)) continue; // opened again meanwhile: its record stays
      await tx.deleteSustained(ctx.session, ino);
      const attr = await tx.getInode(ino);
      if (!attr || attr.nlink > 0 || attr.type === 'dir') continue;
      if ((await tx.openSessions(ino)).length === 0) await destroyInode(tx, attr);
    }
  });
}
