import { FsError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import { isTrash } from '../trash/trash.js';
import { type Attr, type DirQuota, type Ino, ROOT_INO, type VolumeSettings } from '../types.js';
import { summarize } from './tree-usage.js';

/** New limits of a quota: absent keeps the current one, 0 removes it. */
export interface QuotaLimits {
  capacity?: number;
  inodeLimit?: number;
}

/** One quota whose recorded usage differs from what its tree adds up to (`quota check`). */
export interface QuotaDifference {
  quota: DirQuota;
  counted: { usedBytes: number; usedInodes: number };
  repaired: boolean;
}

/** The usage of the entries below directory `dir`, counted by walking its tree. */
export async function countDirUsage(engine: Engine, dir: Attr): Promise<{ usedBytes: number; usedInodes: number }> {
  const s = await summarize(engine, dir);
  return { usedBytes: s.size, usedInodes: s.files + s.dirs - 1 };
}

/** Every directory quota with its usage. */
export function listDirQuotas(engine: Engine): Promise<DirQuota[]> {
  return engine.read((tx) => tx.listQuotas());
}

/**
 * Sets (or changes) the quota of directory `dir`. A new quota's usage is counted by walking the
 * tree once; a changed one keeps its usage. The first quota of a volume sets its `quotas`
 * setting, which running clients take up at their next heartbeat: only then do they look for
 * quotas (and count in them), so what they change meanwhile is set right by `quota check --repair`.
 */
export async function setDirQuota(engine: Engine, settings: VolumeSettings, spec: { dir: Attr; limits: QuotaLimits }): Promise<DirQuota> {
  const { dir, limits } = spec;
  if (dir.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'quota', ino: dir.ino, detail: 'quotas are set on directories' });
  if (dir.ino === ROOT_INO) throw new FsError('EINVAL', { syscall: 'quota', ino: dir.ino, detail: 'the root\'s limits are the volume\'s: use slicefs config --capacity/--inodes' });
  if (isTrash(dir)) throw new FsError('EPERM', { syscall: 'quota', ino: dir.ino, detail: 'the trash takes no quota' });
  for (const v of [limits.capacity, limits.inodeLimit]) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new FsError('EINVAL', { syscall: 'quota', ino: dir.ino, detail: `'${v}' is not a limit` });
  }
  if (!settings.quotas) {
    const stored = await engine.loadSettings();
    if (stored && !stored.quotas) await engine.saveSettings({ ...stored, quotas: true });
    settings.quotas = true;
  }
  const existing = (await listDirQuotas(engine)).find((q) => q.ino === dir.ino);
  const usage = existing ? undefined : await countDirUsage(engine, dir);
  return engine.txn(async (tx) => {
    if (!(await tx.getInode(dir.ino))) throw new FsError('ENOENT', { syscall: 'quota', ino: dir.ino });
    const now = (await tx.listQuotas()).find((q) => q.ino === dir.ino);
    const base = now ?? { ino: dir.ino, capacity: 0, inodeLimit: 0, usedBytes: usage?.usedBytes ?? 0, usedInodes: usage?.usedInodes ?? 0 };
    const quota: DirQuota = { ...base, capacity: limits.capacity ?? base.capacity, inodeLimit: limits.inodeLimit ?? base.inodeLimit };
    await tx.putQuota(quota);
    return quota;
  });
}

/** Removes the quota of directory `ino`; false when it had none. */
export function deleteDirQuota(engine: Engine, ino: Ino): Promise<boolean> {
  return engine.txn(async (tx) => {
    if (!(await tx.listQuotas()).some((q) => q.ino === ino)) return false;
    await tx.deleteQuota(ino);
    return true;
  });
}

/**
 * Recounts every quota's usage by walking its tree (or only `only`'s) and reports those that
 * differ; `repair` adds the difference in a transaction, so changes made meanwhile stay counted.
 * A quota whose directory is gone is removed when repairing.
 */
export async function checkDirQuotas(engine: Engine, options: { repair?: boolean; only?: Ino } = {}): Promise<QuotaDifference[]> {
  const found: QuotaDifference[] = [];
  for (const quota of await listDirQuotas(engine)) {
    if (options.only !== undefined && quota.ino !== options.only) continue;
    const dir = await engine.read((tx) => tx.getInode(quota.ino));
    const counted = dir ? await countDirUsage(engine, dir) : { usedBytes: 0, usedInodes: 0 };
    if (dir && counted.usedBytes === quota.usedBytes && counted.usedInodes === quota.usedInodes) continue;
    const difference: QuotaDifference = { quota, counted, repaired: false };
    if (options.repair) {
      await engine.txn(async (tx) => {
        if (!dir) return tx.deleteQuota(quota.ino);
        await tx.addQuotaUsage(quota.ino, { bytes: counted.usedBytes - quota.usedBytes, inodes: counted.usedInodes - quota.usedInodes });
      });
      difference.repaired = true;
    }
    found.push(difference);
  }
  return found;
}

/** A directory's path from the root, found through its parents (quota list and check). */
export async function directoryPath(engine: Engine, ino: Ino): Promise<string | undefined> {
  return engine.read(async (tx) => {
    const names: string[] = [];
    for (let at = ino, depth = 0; at !== ROOT_INO; depth++) {
      const attr = await tx.getInode(at);
      if (!attr || !attr.parent || depth > 4096) return undefined;
      let name: Buffer | undefined;
      for (let after: Buffer | undefined, more = true; more && !name; ) {
        const edges = await tx.listEdges(attr.parent, after, 1000);
        name = edges.find((e) => e.ino === at)?.name;
        after = edges[edges.length - 1]?.name;
        more = edges.length === 1000;
      }
      if (!name) return undefined;
      names.unshift(name.toString());
      at = attr.parent;
    }
    return `/${names.join('/')}`;
  });
}
