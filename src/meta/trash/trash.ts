import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import type { EngineTx } from '../engine.js';
import { now } from '../times.js';
import { type Attr, type Ino, MAX_NAME_BYTES, ROOT_INO, type Timespec, TRASH_INO, TRASH_NAME } from '../types.js';

/** The trash's hourly directory for a time: `2026-11-25-15` (UTC), so purging goes by name. */
export function hourName(t: Timespec | number): string {
  const ms = typeof t === 'number' ? t : t.sec * 1000;
  return new Date(ms).toISOString().slice(0, 13).replace('T', '-');
}

/** True for the trash and its hourly directories: nothing may be created or moved into them. */
export function isTrash(dir: Attr): boolean {
  return dir.ino === TRASH_INO || dir.parent === TRASH_INO;
}

/** EPERM for operations that would put something into the trash or remove the trash itself. */
export function checkNotTrash(dir: Attr, syscall: string): void {
  if (isTrash(dir)) throw new FsError('EPERM', { syscall, ino: dir.ino, detail: 'the trash only takes deleted files' });
}

function trashDir(ino: Ino, parent: Ino, t: Timespec): Attr {
  return { ino, type: 'dir', mode: 0o700, uid: 0, gid: 0, nlink: 2, length: 0, rdev: 0, atime: t, mtime: t, ctime: t, parent };
}

/**
 * The trash directory, created (linked in the root as `.trash`) if missing. `format` makes it,
 * so operations never change the root here behind their own copy of it.
 */
export async function ensureTrash(tx: EngineTx, t: Timespec = now()): Promise<Attr> {
  const existing = await tx.getInode(TRASH_INO);
  if (existing) return existing;
  const trash = trashDir(TRASH_INO, ROOT_INO, t);
  await tx.putInode(trash);
  await tx.putEdge(ROOT_INO, { name: Buffer.from(TRASH_NAME), ino: TRASH_INO, type: 'dir' });
  const root = (await tx.getInode(ROOT_INO))!;
  await tx.putInode({ ...root, nlink: root.nlink + 1 });
  await tx.addCounter('inodes', 1);
  return trash;
}

/** This hour's directory in the trash, created on first use with an inode numbered in the transaction. */
async function ensureHour(tx: EngineTx, t: Timespec): Promise<Ino> {
  const trash = await ensureTrash(tx, t);
  const name = Buffer.from(hourName(t));
  const edge = await tx.getEdge(TRASH_INO, name);
  if (edge) return edge.ino;
  const ino = ((await tx.getCounter('nextInode')) + 1) as Ino;
  await tx.addCounter('nextInode', 1);
  await tx.putInode(trashDir(ino, TRASH_INO, t));
  await tx.putEdge(TRASH_INO, { name, ino, type: 'dir' });
  await tx.putInode({ ...trash, nlink: trash.nlink + 1, mtime: t, ctime: t });
  await tx.addCounter('inodes', 1);
  return ino;
}

/**
 * Moves a file's last link into the trash (`/.trash/<hour>/<parent>-<ino>-<name>`) instead of
 * deleting it, when the volume keeps a trash. Returns false when it does not apply: no trash,
 * a directory, another link left, or the file is already in the trash (deleting there is final).
 */
export async function moveToTrash(ctx: MetaContext, tx: EngineTx, spec: { attr: Attr; from: { parent: Attr; name: Buffer } }): Promise<boolean> {
  const { attr, from } = spec;
  if (ctx.settings.trashDays <= 0 || attr.type === 'dir' || attr.nlink !== 1 || isTrash(from.parent)) return false;
  const t = now();
  const hour = await ensureHour(tx, t);
  const name = Buffer.concat([Buffer.from(`${from.parent.ino}-${attr.ino}-`), from.name]).subarray(0, MAX_NAME_BYTES);
  await tx.putEdge(hour, { name, ino: attr.ino, type: attr.type });
  attr.parent = hour;
  attr.ctime = t;
  await tx.putInode(attr);
  return true;
}
