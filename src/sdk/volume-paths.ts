import { FsError, isFsError } from '../errors/index.js';
import { resolveParent } from '../meta/paths.js';
import type { Attr, Caller } from '../meta/types.js';
import type { VolumeMeta } from '../meta/volume-meta.js';

/** What the SDK's path functions need of an open volume. */
export interface PathContext {
  meta: VolumeMeta;
  caller: Caller;
}

const MAX_SYMLINKS = 40;

/** Joins a symlink's target to the directory of the path that held it (volume paths are absolute). */
export function joinTarget(dirOfLink: string, target: string): string {
  return target.startsWith('/') ? target : `${dirOfLink.replace(/\/+$/, '')}/${target}`;
}
/** The directory part of a volume path (`/` for top-level names). */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const at = trimmed.lastIndexOf('/');
  return at <= 0 ? '/' : trimmed.slice(0, at);
}

/**
 * The inode a path names. A trailing slash asks for a directory, as on Linux: `file/` is
 * ENOTDIR, and a symlink with a trailing slash is followed even by lstat.
 */
export async function resolve(ctx: PathContext, path: string, follow = true): Promise<Attr> {
  const slash = path.length > 1 && path.endsWith('/');
  const attr = await ctx.meta.resolve(ctx.caller, path, follow || slash);
  if (slash && attr.type !== 'dir') throw new FsError('ENOTDIR', { path });
  return attr;
}

/** The directory a create acts in, and the name: as createTarget's walk found them, else walked to. */
export async function targetParent(ctx: PathContext, target: CreateTarget, syscall: string): Promise<{ parent: Attr; name: Buffer }> {
  return target.at ?? parentOf(ctx, target.path, syscall);
}

/** The directory that holds a path's last component, and that component (EBUSY/EEXIST for `/`). */
export async function parentOf(ctx: PathContext, path: string, syscall: string): Promise<{ parent: Attr; name: Buffer }> {
  const { parent, name } = await resolveParent(ctx.meta.engine, ctx.caller, { path, syscall });
  if (!name) throw new FsError(syscall === 'mkdir' ? 'EEXIST' : 'EBUSY', { syscall, path, detail: 'the root' });
  return { parent, name };
}

/** Where a create acts: an existing inode, or a path that names none (with its directory and name when known). */
export interface CreateTarget {
  existing?: Attr;
  path: string;
  /** For a path that names nothing: the directory that would hold it and its last component, as the walk found them. */
  at?: { parent: Attr; name: Buffer };
}

/**
 * Where open(O_CREAT) without O_EXCL acts: the path itself, or, when it names a symlink, what
 * the symlink points at (followed, so a dangling link makes its target, as Linux does).
 */
export async function createTarget(ctx: PathContext, path: string): Promise<CreateTarget> {
  for (let hops = 0; hops <= MAX_SYMLINKS; hops++) {
    let attr: Attr;
    try {
      if (path.length > 1 && path.endsWith('/')) {
        attr = await resolve(ctx, path, false);
      } else {
        // The directory, the name and what it names in one walk: a new file needs no second walk to its directory.
        const found = await ctx.meta.resolveEntry(ctx.caller, path, 'open');
        if (!found.attr) return { path, at: found.name && { parent: found.parent, name: found.name } };
        attr = found.attr;
      }
    } catch (err) {
      if (isFsError(err, 'ENOENT')) return { path };
      throw err;
    }
    if (attr.type !== 'symlink') return { existing: attr, path };
    path = joinTarget(dirname(path), (await ctx.meta.readlink(attr.ino)).toString());
  }
  throw new FsError('ELOOP', { path });
}

/** The canonical path of an existing inode: symlinks followed, `.` and `..` gone. */
export async function realpath(ctx: PathContext, path: string): Promise<string> {
  const done: string[] = [];
  const pending = path.split('/').filter(Boolean);
  let hops = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = `/${[...done, part].join('/')}`;
    const attr = await resolve(ctx, here, false);
    if (attr.type === 'symlink') {
      if (++hops > MAX_SYMLINKS) throw new FsError('ELOOP', { path });
      const target = (await ctx.meta.readlink(attr.ino)).toString();
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    if (pending.length && attr.type !== 'dir') throw new FsError('ENOTDIR', { path });
    done.push(part);
  }
  return `/${done.join('/')}`;
}
