import { FsError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import { checkModifyDir } from '../permissions.js';
import { now } from '../times.js';
import { type Caller, type Ino, TRASH_INO, TRASH_NAME, type VolumeSettings } from '../types.js';
import { chargeQuotas } from '../space/dir-quotas.js';
import { dirPath, joinPath, parseTrashName, type TrashEntry } from './list-trash.js';
import { checkNotTrash } from './trash.js';

/** Which trash entry to put back, and optionally the directory to put it in instead of its original one. */
export interface RestoreSpec {
  hour: string;
  name: string;
  to?: Ino;
  /** The volume's settings: the restored file joins the directory quotas over its directory (EDQUOT past one). */
  settings?: VolumeSettings;
}

/** Where a restored file now is. */
export interface Restored {
  ino: Ino;
  path: string;
}

/**
 * Moves one file out of the trash to its original directory (or `to`) under its original name,
 * in one transaction. Root may restore anything; anyone else only files they own (EACCES), into a
 * directory they may write (EACCES). EEXIST when the name is taken there; ENOENT when the entry
 * is no longer in the trash, or its original directory was removed and no `to` is given.
 */
export async function restoreFromTrash(engine: Engine, caller: Caller, spec: RestoreSpec): Promise<Restored> {
  const trashPath = `/${TRASH_NAME}/${spec.hour}/${spec.name}`;
  const fail = (code: 'ENOENT' | 'EEXIST' | 'EACCES' | 'EINVAL', options: { path?: string; detail: string }) =>
    new FsError(code, { syscall: 'restore', path: options.path ?? trashPath, detail: options.detail });
  return engine.txn(async (tx) => {
    const hour = await tx.getEdge(TRASH_INO, Buffer.from(spec.hour));
    const name = Buffer.from(spec.name);
    const edge = hour && (await tx.getEdge(hour.ino, name));
    const attr = edge && (await tx.getInode(edge.ino));
    if (!hour || !attr) throw fail('ENOENT', { detail: 'not in the trash (purged, or restored already)' });
    if (caller.uid !== 0 && caller.uid !== attr.uid) {
      throw fail('EACCES', { detail: `owned by uid ${attr.uid}: only root or the owner may restore it` });
    }
    const parsed = parseTrashName(name);
    if (!parsed) throw fail('EINVAL', { detail: 'not named <parent>-<inode>-<name> as the trash names deleted files' });
    const dstIno = spec.to ?? parsed.parent;
    const dst = await tx.getInode(dstIno);
    if (dst) checkNotTrash(dst, 'restore');
    const dir = dst && (await dirPath(tx, dstIno));
    if (!dst || dir === undefined) {
      throw fail('ENOENT', {
        detail: spec.to ? 'the target directory is gone' : `its directory (inode ${parsed.parent}) was removed; restore it with --to DIR`,
      });
    }
    const path = joinPath(dir, parsed.name.toString());
    try {
      checkModifyDir(caller, dst, 'restore');
    } catch {
      throw fail('EACCES', { path: dir, detail: `uid ${caller.uid} may not write this directory` });
    }
    const taken = await tx.getEdge(dstIno, parsed.name);
    if (taken) throw fail('EEXIST', { path, detail: `a ${taken.type === 'dir' ? 'directory' : 'file'} (inode ${taken.ino}) is there now` });
    if (spec.settings) {
      await chargeQuotas({ settings: spec.settings }, tx, { dir: dstIno, bytes: attr.type === 'file' ? attr.length : 0, inodes: 1, syscall: 'restore', ino: attr.ino });
    }
    const t = now();
    await tx.deleteEdge(hour.ino, name);
    await tx.putEdge(dstIno, { name: parsed.name, ino: attr.ino, type: attr.type });
    await tx.putInode({ ...attr, parent: attr.nlink > 1 ? (0 as Ino) : dstIno, ctime: t });
    const hourDir = await tx.getInode(hour.ino);
    if (hourDir) await tx.putInode({ ...hourDir, mtime: t, ctime: t });
    await tx.putInode({ ...dst, mtime: t, ctime: t });
    return { ino: attr.ino, path };
  });
}

const clean = (p: string) => '/' + p.split('/').filter((s) => s !== '').join('/');

/**
 * The entries a restore of `paths` takes: a path under `/.trash` names trash entries (an entry,
 * an hour, or all); any other path names what was there, or below it (a directory's files). Of
 * several deletions of one path, only the newest is taken. ENOENT for a path that matches nothing.
 */
export function selectTrash(entries: readonly TrashEntry[], paths: readonly string[]): TrashEntry[] {
  const picked = new Map<string, TrashEntry>();
  for (const raw of paths) {
    const p = clean(raw);
    const under = (q: string | undefined) => q !== undefined && (q === p || p === '/' || q.startsWith(`${p}/`));
    const inTrash = p === `/${TRASH_NAME}` || p.startsWith(`/${TRASH_NAME}/`);
    const matches = entries.filter((e) => (inTrash ? under(e.trashPath) : under(e.originalPath)));
    if (!matches.length) {
      throw new FsError('ENOENT', { syscall: 'restore', path: raw, detail: 'nothing in the trash you may see was there; see --list' });
    }
    for (const e of matches) {
      const key = inTrash ? e.trashPath : e.originalPath!;
      const prev = picked.get(key);
      if (!prev || e.deletedAt > prev.deletedAt) picked.set(key, e);
    }
  }
  return [...new Map([...picked.values()].map((e) => [e.trashPath, e])).values()];
}
