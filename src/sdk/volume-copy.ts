import { constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { FsError, isFsError } from '../errors/index.js';
import type { Attr } from '../meta/types.js';
import { O_RDONLY, O_TRUNC, O_WRONLY } from '../vfs/open-flags.js';
import type { Vfs } from '../vfs/vfs.js';
import { ArgumentError } from './node-args.js';
import { withPaths } from './volume-errors.js';
import { createTarget, dirname, joinTarget, parentOf, type PathContext, resolve, targetParent } from './volume-paths.js';
import { mkdirRecursive } from './volume-dirs.js';

type Ctx = PathContext & { vfs: Vfs };

/** Node's cp options. */
export interface CpOptions {
  recursive?: boolean;
  force?: boolean;
  errorOnExist?: boolean;
  dereference?: boolean;
  preserveTimestamps?: boolean;
  verbatimSymlinks?: boolean;
  filter?: (src: string, dest: string) => boolean | Promise<boolean>;
  mode?: number;
}

/** Node's SystemError for cp's own checks (code ERR_FS_CP_*, errno, syscall 'cp', path). */
function cpError(code: string, errno: keyof typeof osConstants.errno, message: string, path: string): Error {
  return Object.assign(new Error(message), { name: 'SystemError', code, errno: osConstants.errno[errno], syscall: 'cp', path });
}

function checkCopyMode(mode: unknown): number {
  if (typeof mode !== 'number') throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "mode" argument must be of type number. Received ${typeof mode}`);
  if (!Number.isInteger(mode) || mode < 0 || mode > 7) throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "mode" is out of range. It must be an integer >= 0 && <= 7. Received ${mode}`);
  return mode;
}

/** The caller with no umask: a copy gets its source's mode exactly, as Node's copyFile and cp give it. */
const exactModes = (ctx: Ctx) => ({ ...ctx.caller, umask: 0 });

/**
 * copyFile as a clone: a new destination is a clone of the source (one transaction); an existing
 * one keeps its inode and gets the source's slices shared into it (copy_file_range), then its mode.
 */
export function copyFile(ctx: Ctx, spec: { src: string; dest: string; mode: number }): Promise<void> {
  const mode = checkCopyMode(spec.mode);
  return withPaths({ syscall: 'copyfile', path: spec.src, dest: spec.dest }, async () => {
    const src = await resolve(ctx, spec.src);
    if (src.type === 'dir') throw new FsError('EISDIR');
    const target = await createTarget(ctx, spec.dest);
    if (target.existing && mode & constants.COPYFILE_EXCL) throw new FsError('EEXIST');
    await ctx.vfs.flushInode(src.ino);
    if (!target.existing) {
      const { parent, name } = await targetParent(ctx, target, 'copyfile');
      await ctx.meta.clone(exactModes(ctx), { src: src.ino, parent: parent.ino, name });
      return;
    }
    if (target.existing.type === 'dir') throw new FsError('EISDIR');
    await shareInto(ctx, src, target.existing);
    await ctx.vfs.setattr(ctx.caller, target.existing.ino, { mode: src.mode });
  });
}

/** Empties `dst` and shares all of `src`'s slices into it, through handles (so permissions and open writers are honoured). */
async function shareInto(ctx: Ctx, src: Attr, dst: Attr): Promise<void> {
  const input = await ctx.vfs.open(ctx.caller, src.ino, O_RDONLY);
  try {
    const output = await ctx.vfs.open(ctx.caller, dst.ino, O_WRONLY | O_TRUNC);
    try {
      for (let done = 0; done < src.length; ) {
        const n = await ctx.vfs.copyFileRange({ fhIn: input.handle.fh, offIn: done, fhOut: output.handle.fh, offOut: done, length: src.length - done });
        if (n === 0) break;
        done += n;
      }
    } finally {
      await ctx.vfs.release(output.handle.fh);
    }
  } finally {
    await ctx.vfs.release(input.handle.fh);
  }
}

const isSubdir = (src: string, dest: string) => {
  const a = src.split('/').filter(Boolean);
  const b = dest.split('/').filter(Boolean);
  return a.every((part, i) => b[i] === part);
};

async function lstatOrNull(ctx: Ctx, path: string, follow: boolean, syscall: string): Promise<Attr | null> {
  try {
    return await withPaths({ syscall, path }, () => resolve(ctx, path, follow));
  } catch (err) {
    if (isFsError(err, 'ENOENT')) return null;
    throw err;
  }
}

/** Node's cp, with every file copied as a clone, and a new tree without a filter cloned whole. */
export async function cp(ctx: Ctx, paths: { src: string; dest: string }, options: CpOptions): Promise<void> {
  const o = { force: true, ...options };
  if (o.errorOnExist === undefined) o.errorOnExist = false;
  if (o.mode !== undefined) checkCopyMode(o.mode);
  await copyEntry(ctx, paths.src, paths.dest, o, true);
}

async function copyEntry(ctx: Ctx, src: string, dest: string, o: CpOptions, top: boolean): Promise<void> {
  if (o.filter && !(await o.filter(src, dest))) return;
  const syscall = o.dereference ? 'stat' : 'lstat';
  const srcAttr = (await lstatOrNull(ctx, src, !!o.dereference, syscall)) ?? (await withPaths({ syscall, path: src }, () => resolve(ctx, src, !!o.dereference)));
  const destAttr = await lstatOrNull(ctx, dest, !!o.dereference, syscall);
  if (destAttr) {
    if (destAttr.ino === srcAttr.ino) throw cpError('ERR_FS_CP_EINVAL', 'EINVAL', 'src and dest cannot be the same', dest);
    if (srcAttr.type === 'dir' && destAttr.type !== 'dir') throw cpError('ERR_FS_CP_DIR_TO_NON_DIR', 'EISDIR', `cannot overwrite directory ${src} with non-directory ${dest}`, dest);
    if (srcAttr.type !== 'dir' && destAttr.type === 'dir') throw cpError('ERR_FS_CP_NON_DIR_TO_DIR', 'ENOTDIR', `cannot overwrite non-directory ${src} with directory ${dest}`, dest);
  }
  if (srcAttr.type === 'dir' && isSubdir(src, dest)) throw cpError('ERR_FS_CP_EINVAL', 'EINVAL', `cannot copy ${src} to a subdirectory of self ${dest}`, dest);
  if (top && !(await lstatOrNull(ctx, dirname(dest), true, 'stat'))) await mkdirRecursive(ctx, dirname(dest), 0o777);

  if (srcAttr.type === 'dir') {
    if (!o.recursive) throw cpError('ERR_FS_EISDIR', 'EISDIR', `Recursive option is required to copy a directory: ${src}`, src);
    return copyDir(ctx, { src, dest, srcAttr, destAttr }, o);
  }
  if (srcAttr.type === 'symlink') return copyLink(ctx, { src, dest, destAttr }, o);
  if (srcAttr.type === 'file' || srcAttr.type === 'chr' || srcAttr.type === 'blk') return copyOneFile(ctx, { src, dest, srcAttr, destAttr }, o);
  if (srcAttr.type === 'socket') throw cpError('ERR_FS_CP_SOCKET', 'EINVAL', `cannot copy a socket file: ${dest}`, dest);
  throw cpError('ERR_FS_CP_FIFO_PIPE', 'EINVAL', `cannot copy a FIFO pipe: ${dest}`, dest);
}

async function copyOneFile(ctx: Ctx, at: { src: string; dest: string; srcAttr: Attr; destAttr: Attr | null }, o: CpOptions): Promise<void> {
  if (at.destAttr) {
    if (!o.force) {
      if (o.errorOnExist) throw cpError('ERR_FS_CP_EEXIST', 'EEXIST', `${at.dest} already exists`, at.dest);
      return;
    }
    await withPaths({ syscall: 'unlink', path: at.dest }, async () => {
      const { parent, name } = await parentOf(ctx, at.dest, 'unlink');
      await ctx.vfs.unlink(ctx.caller, parent.ino, name);
    });
  }
  await copyFile(ctx, { src: at.src, dest: at.dest, mode: o.mode ?? 0 });
  if (o.preserveTimestamps) {
    const now = await resolve(ctx, at.src);
    const dest = await resolve(ctx, at.dest);
    await ctx.vfs.setattr(ctx.caller, dest.ino, { atime: now.atime, mtime: now.mtime });
  }
}

async function copyLink(ctx: Ctx, at: { src: string; dest: string; destAttr: Attr | null }, o: CpOptions): Promise<void> {
  const link = await resolve(ctx, at.src, false);
  let target = (await ctx.meta.readlink(link.ino)).toString();
  if (!o.verbatimSymlinks) target = joinTarget(dirname(at.src), target);
  const { parent, name } = await parentOf(ctx, at.dest, 'symlink');
  if (at.destAttr) await ctx.vfs.unlink(ctx.caller, parent.ino, name);
  await withPaths({ syscall: 'symlink', path: target, dest: at.dest }, () => ctx.vfs.symlink(ctx.caller, parent.ino, name, Buffer.from(target)).then(() => undefined));
}

async function copyDir(ctx: Ctx, at: { src: string; dest: string; srcAttr: Attr; destAttr: Attr | null }, o: CpOptions): Promise<void> {
  if (!at.destAttr && !o.filter && !o.preserveTimestamps && !o.dereference) return cloneTree(ctx, at, o);
  if (!at.destAttr) {
    const { parent, name } = await parentOf(ctx, at.dest, 'mkdir');
    await withPaths({ syscall: 'mkdir', path: at.dest }, () => ctx.vfs.mkdir(ctx.caller, parent.ino, name, 0o777));
  }
  for (let after: Buffer | undefined, more = true; more; ) {
    const page = await ctx.vfs.readdir(ctx.caller, at.srcAttr.ino, { after, limit: 1000 });
    for (const e of page.entries) await copyEntry(ctx, `${at.src.replace(/\/+$/, '')}/${e.name}`, `${at.dest.replace(/\/+$/, '')}/${e.name}`, o, false);
    after = page.next;
    more = page.next !== undefined;
  }
  if (!at.destAttr) await ctx.vfs.setattr(ctx.caller, (await resolve(ctx, at.dest)).ino, { mode: at.srcAttr.mode });
}

/**
 * A new tree without a filter: one metadata-only clone (DESIGN §3), then, as Node's cp does
 * unless `verbatimSymlinks`, relative symlinks made absolute.
 */
async function cloneTree(ctx: Ctx, at: { src: string; dest: string; srcAttr: Attr }, o: CpOptions): Promise<void> {
  const { parent, name } = await parentOf(ctx, at.dest, 'cp');
  await ctx.vfs.flushAll();
  const made = await ctx.meta.clone(exactModes(ctx), { src: at.srcAttr.ino, parent: parent.ino, name });
  if (!o.verbatimSymlinks) await absoluteLinks(ctx, { dir: made, srcPath: at.src });
}

async function absoluteLinks(ctx: Ctx, at: { dir: Attr; srcPath: string }): Promise<void> {
  for (let after: Buffer | undefined, more = true; more; ) {
    const page = await ctx.vfs.readdir(ctx.caller, at.dir.ino, { after, limit: 1000 });
    for (const e of page.entries) {
      if (e.type === 'dir') {
        await absoluteLinks(ctx, { dir: await ctx.meta.lookup(ctx.caller, at.dir.ino, e.name), srcPath: `${at.srcPath.replace(/\/+$/, '')}/${e.name}` });
      } else if (e.type === 'symlink') {
        const link = await ctx.meta.lookup(ctx.caller, at.dir.ino, e.name);
        const target = (await ctx.meta.readlink(link.ino)).toString();
        if (target.startsWith('/')) continue;
        await ctx.vfs.unlink(ctx.caller, at.dir.ino, e.name);
        await ctx.vfs.symlink(ctx.caller, at.dir.ino, e.name, Buffer.from(joinTarget(at.srcPath, target)));
      }
    }
    after = page.next;
    more = page.next !== undefined;
  }
}
