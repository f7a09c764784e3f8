// Turns what an fs call returned or threw into plain data that can be compared between
// node:fs/promises on a temp directory and a Volume (paths made relative to each side's base).

/** Replaces each side's base directory in strings by `<base>`. */
export type Rebase = (s: string) => string;

const TYPES = ['isFile', 'isDirectory', 'isSymbolicLink', 'isFIFO', 'isSocket', 'isCharacterDevice', 'isBlockDevice'] as const;
const typeOf = (v: Record<string, () => boolean>) => TYPES.find((t) => typeof v[t] === 'function' && v[t]!()) ?? 'none';

/** What a caller can observe of a value, without times, inode numbers or devices (which differ by nature). */
export function normalise(value: unknown, rebase: Rebase): unknown {
  if (value === undefined || value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return { bigint: String(value) };
  if (typeof value === 'string') return rebase(value);
  if (Buffer.isBuffer(value)) return { buffer: rebase(value.toString('latin1')) };
  if (value instanceof Error) {
    const e = value as Error & { code?: string; syscall?: string; path?: string; dest?: string; errno?: number };
    return { error: e.code ?? e.name, name: e.code?.startsWith('ERR_') ? e.name : undefined, errno: e.errno, syscall: e.syscall, path: e.path && rebase(e.path), dest: e.dest && rebase(e.dest) };
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, rebase));
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.isFile === 'function' && 'mode' in o) {
      const big = typeof o.size === 'bigint';
      // A directory's size is the file system's own business (4096 on ext4, 0 on a volume).
      const size = typeOf(o as never) === 'isDirectory' ? 'dir' : String(o.size);
      return { stats: typeOf(o as never), big, size, mode: String(o.mode), nlink: String(o.nlink), uid: String(o.uid), gid: String(o.gid),
        timesAreDates: o.mtime instanceof Date, mtimeNsIsBigint: typeof o.mtimeNs === 'bigint' };
    }
    if (typeof o.isFile === 'function' && 'name' in o) {
      return { dirent: typeOf(o as never), name: normalise(o.name, rebase), parentPath: normalise(o.parentPath ?? o.path, rebase) };
    }
    if ('bytesRead' in o || 'bytesWritten' in o) {
      return { bytesRead: o.bytesRead, bytesWritten: o.bytesWritten, buffer: normalise(o.buffer, rebase) };
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = normalise(o[k], rebase);
    return out;
  }
  return String(value);
}
