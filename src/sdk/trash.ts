import { FsError } from '../errors/index.js';
import { listTrash as listTrashEntries, type TrashEntry } from '../meta/trash/list-trash.js';
import { restoreFromTrash, selectTrash } from '../meta/trash/restore.js';
import { ROOT_CALLER } from '../meta/types.js';
import type { Volume } from './volume.js';

export type { TrashEntry };

/** One restored file: where it was in the trash and where it is now. */
export interface RestoredFile {
  trashPath: string;
  path: string;
  ino: number;
}

/** What a restore did: entries are restored one by one, so some may fail while others succeed. */
export interface RestoreReport {
  restored: RestoredFile[];
  failed: { trashPath: string; error: FsError }[];
}

/** The trash's entries this volume's caller may see (root: all; others: the files they own), oldest first. */
export function listTrash(volume: Volume, paths: readonly string[] = []): Promise<TrashEntry[]> {
  return listTrashEntries(volume.meta.engine, volume.caller).then((all) => (paths.length ? selectTrash(all, paths) : all));
}

/**
 * What a restore of `paths` takes. Paths and directories match only the caller's own entries;
 * an exact `/.trash/<hour>/<entry>` path names that entry whoever owns it, so that restoring
 * another user's file is refused with EACCES rather than reported missing.
 */
async function selectForRestore(volume: Volume, paths: readonly string[]): Promise<TrashEntry[]> {
  const all = await listTrashEntries(volume.meta.engine, ROOT_CALLER);
  const visible = volume.caller.uid === 0 ? all : all.filter((e) => e.uid === volume.caller.uid);
  const picked = new Map<string, TrashEntry>();
  for (const p of paths) {
    const exact = all.find((e) => e.trashPath === p);
    for (const e of exact ? [exact] : selectTrash(visible, [p])) picked.set(e.trashPath, e);
  }
  return [...picked.values()];
}

/**
 * Puts the trash entries `paths` name (original paths, directories they were below, or
 * `/.trash/...` paths) back at their original path, or into directory `to`. Each entry is one
 * transaction; a path that names nothing fails (ENOENT) before anything moves.
 */
export async function restoreTrash(
  volume: Volume,
  paths: readonly string[],
  options: { to?: string; onRestored?: (file: RestoredFile) => void } = {},
): Promise<RestoreReport> {
  if (!paths.length) throw new FsError('EINVAL', { syscall: 'restore', detail: 'name what to restore: a path, or / for all you may see; --list shows them' });
  const to = options.to === undefined ? undefined : await volume.meta.resolve(volume.caller, options.to);
  if (to && to.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'restore', path: options.to, detail: '--to must name a directory' });
  const report: RestoreReport = { restored: [], failed: [] };
  for (const entry of await selectForRestore(volume, paths)) {
    try {
      const done = await restoreFromTrash(volume.meta.engine, volume.caller, { hour: entry.hour, name: entry.name, to: to?.ino, settings: volume.settings });
      const file = { trashPath: entry.trashPath, path: done.path, ino: done.ino };
      report.restored.push(file);
      options.onRestored?.(file);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      report.failed.push({ trashPath: entry.trashPath, error: err });
    }
  }
  return report;
}
