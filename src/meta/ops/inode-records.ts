import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { EngineTx, EntryRead } from '../engine.js';
import { now } from '../times.js';
import { moveToTrash } from '../trash/trash.js';
import type { Attr, Caller, Edge, FileType, Ino, Timespec } from '../types.js';

/** The reads a lookup makes: an inode, an entry, or both with the directory (`getEntry`, where the engine has it). */
export type EntryReader = Pick<EngineTx, 'getInode' | 'getEdge' | 'getEntry'>;

/** An inode that must exist. */
export async function mustGetInode(tx: EntryReader, ino: Ino, syscall: string): Promise<Attr> {
  const attr = await tx.getInode(ino);
  if (!attr) throw new FsError('ENOENT', { syscall, ino });
  return attr;
}

/**
 * The directory `parent` (which must exist), and its entry `name` with the inode it names when
 * there is one: one read on engines with `getEntry`, else three. An entry whose inode is missing
 * (a damaged volume: fsck reports it) is `ENOENT` naming that inode.
 */
export async function readEntry(
  tx: EntryReader,
  at: { parent: Ino; name: Buffer },
  syscall: string,
): Promise<{ dir: Attr; entry?: { edge: Edge; attr: Attr } }> {
  const { dir, edge, attr } = tx.getEntry ? await tx.getEntry(at.parent, at.name) : await readEntryParts(tx, at.parent, at.name);
  if (!dir) throw new FsError('ENOENT', { syscall, ino: at.parent });
  if (!edge) return { dir };
  if (!attr) throw new FsError('ENOENT', { syscall, ino: edge.ino });
  return { dir, entry: { edge, attr } };
}

async function readEntryParts(tx: EntryReader, parent: Ino, name: Buffer): Promise<EntryRead> {
  const dir = await tx.getInode(parent);
  const edge = dir && (await tx.getEdge(parent, name));
  return { dir, edge, attr: edge && (await tx.getInode(edge.ino)) };
}

/** Attributes of an inode a caller creates in `parent`, honouring the setgid directory rule. */
export function newAttr(
  caller: Caller,
  parent: Attr,
  spec: { ino: Ino; type: FileType; mode: number; rdev?: number; length?: number },
): Attr {
  const t = now();
  const setgidDir = (parent.mode & 0o2000) !== 0;
  let mode = spec.mode & 0o7777;
  if (setgidDir && spec.type === 'dir') mode |= 0o2000;
  return {
    ino: spec.ino,
    type: spec.type,
    mode,
    uid: caller.uid,
    gid: setgidDir ? parent.gid : caller.gid,
    nlink: spec.type === 'dir' ? 2 : 1,
    length: spec.length ?? 0,
    rdev: spec.rdev ?? 0,
    atime: t,
    mtime: t,
    ctime: t,
    parent: parent.ino,
  };
}

/** Sets a file's length (counting the difference in `usedBytes`) and marks its data changed now. */
export async function changeLength(tx: EngineTx, attr: Attr, length: number): Promise<void> {
  await tx.addCounter('usedBytes', length - attr.length);
  const t = now();
  attr.length = length;
  attr.mtime = t;
  attr.ctime = t;
}

/** Sets the directory's mtime and ctime to `t` (its entries changed). */
export function touchDir(dir: Attr, t: Timespec = now()): void {
  dir.mtime = t;
  dir.ctime = t;
}

/**
 * Removes the link `from` of a non-directory (its entry is already gone). The last link of a
 * file goes to the trash when the volume keeps one; otherwise at zero links the inode and its
 * data go, unless some client holds it open: then it stays (sustained by that session's open
 * record) until the last release there, or until that session is cleaned up.
 */
export async function dropLink(ctx: MetaContext, tx: EngineTx, spec: { attr: Attr; from: { parent: Attr; name: Buffer } }): Promise<void> {
  const { attr } = spec;
  if (await moveToTrash(ctx, tx, spec)) return;
  attr.nlink -= 1;
  attr.ctime = now();
  if (attr.nlink > 0) return tx.putInode(attr);
  // Open in some client (its session recorded the open): keep it until the last release there.
  // This session's own record of a file it no longer holds (a deferred release) does not count.
  if (ctx.openFiles.isOpen(attr.ino)) return tx.putInode(attr);
  const holders = await tx.openSessions(attr.ino);
  if (holders.includes(ctx.session)) await tx.deleteSustained(ctx.session, attr.ino);
  if (holders.some((s) => s !== ctx.session)) return tx.putInode(attr);
  await destroyInode(tx, attr);
}

/** Deletes an inode with no links: its chunks (dropping references), attributes and counters. */
export async function destroyInode(tx: EngineTx, attr: Attr): Promise<void> {
  if (attr.type === 'file') {
    await tx.deleteChunks(attr.ino, 0);
    await tx.addCounter('usedBytes', -attr.length);
  }
  await tx.deleteInode(attr.ino);
  await tx.addCounter('inodes', -1);
}
