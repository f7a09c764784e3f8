import { checkDirQuotas, deleteDirQuota, directoryPath, listDirQuotas, type QuotaLimits, setDirQuota } from '../meta/space/quota-admin.js';
import type { DirQuota } from '../meta/types.js';
import { FsError } from '../errors/index.js';
import type { Volume } from './volume.js';
import { resolve } from './volume-paths.js';

/** A directory quota as the SDK and `slicefs quota` show it: the directory's path, limits (0: none) and usage. */
export interface QuotaInfo {
  path: string;
  ino: number;
  capacity: number;
  inodes: number;
  usedBytes: number;
  usedInodes: number;
}

/** A quota whose usage `checkQuotas` found different from what its tree adds up to. */
export interface QuotaCheckResult extends QuotaInfo {
  countedBytes: number;
  countedInodes: number;
  repaired: boolean;
}

async function shown(volume: Volume, q: DirQuota, path?: string): Promise<QuotaInfo> {
  const at = path ?? (await directoryPath(volume.meta.engine, q.ino)) ?? `(inode ${q.ino})`;
  return { path: at, ino: q.ino, capacity: q.capacity, inodes: q.inodeLimit, usedBytes: q.usedBytes, usedInodes: q.usedInodes };
}

/** Sets or changes the quota of a directory (DESIGN §6): `capacity` bytes and `inodes` below it; absent keeps, 0 removes a limit. */
export async function setQuota(volume: Volume, path: string, limits: { capacity?: number; inodes?: number }): Promise<QuotaInfo> {
  const dir = await resolve(volume, path);
  const spec: QuotaLimits = { capacity: limits.capacity, inodeLimit: limits.inodes };
  return shown(volume, await setDirQuota(volume.meta.engine, volume.settings, { dir, limits: spec }), path);
}

/** The quota of a directory; ENODATA when it has none. */
export async function getQuota(volume: Volume, path: string): Promise<QuotaInfo> {
  const dir = await resolve(volume, path);
  const quota = (await listDirQuotas(volume.meta.engine)).find((q) => q.ino === dir.ino);
  if (!quota) throw new FsError('ENODATA', { syscall: 'quota', path, detail: 'no quota on this directory' });
  return shown(volume, quota, path);
}

/** Every quota of the volume. */
export async function listQuotas(volume: Volume): Promise<QuotaInfo[]> {
  return Promise.all((await listDirQuotas(volume.meta.engine)).map((q) => shown(volume, q)));
}

/** Removes the quota of a directory; ENODATA when it has none. */
export async function deleteQuota(volume: Volume, path: string): Promise<void> {
  const dir = await resolve(volume, path);
  if (!(await deleteDirQuota(volume.meta.engine, dir.ino))) throw new FsError('ENODATA', { syscall: 'quota', path, detail: 'no quota on this directory' });
}

/** Recounts quotas' usage by walking their trees (all, or `path`'s); `repair` sets it right. Returns those that differed. */
export async function checkQuotas(volume: Volume, options: { path?: string; repair?: boolean } = {}): Promise<QuotaCheckResult[]> {
  const only = options.path === undefined ? undefined : (await resolve(volume, options.path)).ino;
  const found = await checkDirQuotas(volume.meta.engine, { repair: options.repair, only });
  return Promise.all(
    found.map(async (d) => ({
      ...(await shown(volume, d.quota, only !== undefined ? options.path : undefined)),
      countedBytes: d.counted.usedBytes,
      countedInodes: d.counted.usedInodes,
      repaired: d.repaired,
    })),
  );
}
