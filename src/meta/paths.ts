import { FsError } from '../errors/index.js';
import type { Engine, EngineTx, EntryRead } from './engine.js';
import { isDotName } from './names.js';
import type { EntryReader } from './ops/inode-records.js';
import { findIn } from './ops/lookup.js';
import { copyAttr, MAX_NAME_BYTES, ROOT_INO, type Attr, type Caller, type Ino } from './types.js';

const MAX_PATH_BYTES = 4096;
const MAX_SYMLINKS = 40;

/** The components of a volume path; `/a//b/` is [a, b]. Rejects NUL bytes and over-long paths. */
export function splitPath(path: string, syscall: string): Buffer[] {
  if (typeof path !== 'string') throw new FsError('EINVAL', { syscall, detail: 'path must be a string' });
  if (path.includes('\0')) throw new FsError('EINVAL', { syscall, path: path.replace(/\0/g, '\\0'), detail: 'path contains a NUL byte' });
  if (path === '') throw new FsError('ENOENT', { syscall, path, detail: 'empty path' });
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw new FsError('ENAMETOOLONG', { syscall, path: path.slice(0, 40) + '…' });
  const parts = path.split('/').filter((p) => p !== '').map((p) => Buffer.from(p));
  for (const p of parts) {
    if (p.length > MAX_NAME_BYTES) throw new FsError('ENAMETOOLONG', { syscall, path });
  }
  return parts;
}

/**
 * A walk's reads. Where the engine reads a walk through several names at once (`getEntries`:
 * one statement, one round trip on PostgreSQL, where each component took one), `ahead` reads a
 * path's components before the walk steps through them, and each step and the start's inode are
 * answered from what it read; a step it did not cover (past a missing entry, a path with `.` or
 * `..`) reads as before. The walk's checks (search permission, ENOTDIR, symlinks) are unchanged.
 */
class WalkReads implements EntryReader {
  private readonly entries = new Map<string, EntryRead>();
  private readonly inodes = new Map<Ino, Attr>();
  readonly getEntry: EntryReader['getEntry'];

  constructor(private readonly tx: EngineTx) {
    const read = tx.getEntry?.bind(tx);
    this.getEntry = read && ((parent, name) => {
      const known = this.entries.get(WalkReads.key(parent, name));
      // Copies: what a walk returns is its caller's to change.
      if (!known) return read(parent, name);
      return Promise.resolve({ dir: known.dir && copyAttr(known.dir), edge: known.edge && { ...known.edge }, attr: known.attr && copyAttr(known.attr) });
    });
  }

  private static key(parent: Ino, name: Buffer): string {
    return `${parent}/${name.toString('latin1')}`;
  }

  async ahead(start: Ino, names: readonly Buffer[]): Promise<void> {
    if (!this.tx.getEntries || names.length === 0 || names.some(isDotName)) return;
    const reads = await this.tx.getEntries(start, names);
    reads.forEach((read, i) => {
      if (!read.dir) return;
      this.entries.set(WalkReads.key(read.dir.ino, names[i]!), read);
      this.inodes.set(read.dir.ino, read.dir);
      if (read.attr) this.inodes.set(read.attr.ino, read.attr);
    });
  }

  getInode(ino: Ino): Promise<Attr | undefined> {
    const known = this.inodes.get(ino);
    return known ? Promise.resolve(copyAttr(known)) : this.tx.getInode(ino);
  }
  getEdge(parent: Ino, name: Buffer) {
    return this.tx.getEdge(parent, name);
  }
}

interface Walk {
  tx: EngineTx;
  reads: WalkReads;
  caller: Caller;
  syscall: string;
  path: string;
  links: { count: number };
}

/** The inode `name` names in the directory `dir`, undefined if none; errors name the walk's syscall and path. */
async function step(w: Walk, dir: Attr, name: Buffer): Promise<Attr | undefined> {
  if (dir.type !== 'dir') throw new FsError('ENOTDIR', { syscall: w.syscall, path: w.path });
  return findIn(w.reads, w.caller, dir.ino, name).catch((err: unknown) => {
    throw err instanceof FsError ? new FsError(err.code, { syscall: w.syscall, path: w.path, detail: err.detail }) : err;
  });
}

async function walk(w: Walk, start: Attr, parts: Buffer[], followLast: boolean): Promise<Attr> {
  let cur = start;
  for (let i = 0; i < parts.length; i++) {
    const dirAttr = cur;
    const next = await step(w, cur, parts[i]!);
    if (!next) throw new FsError('ENOENT', { syscall: w.syscall, path: w.path });
    const last = i === parts.length - 1;
    if (next.type === 'symlink' && (!last || followLast)) {
      if (++w.links.count > MAX_SYMLINKS) throw new FsError('ELOOP', { syscall: w.syscall, path: w.path });
      const target = (await w.tx.getSymlink(next.ino))?.toString() ?? '';
      const base = target.startsWith('/') ? await mustRoot(w.reads) : dirAttr;
      const targetParts = splitPath(target || '.', w.syscall);
      await w.reads.ahead(base.ino, targetParts);
      cur = await walk(w, base, targetParts, true);
    } else {
      cur = next;
    }
  }
  return cur;
}

async function mustRoot(tx: EntryReader): Promise<Attr> {
  const root = await tx.getInode(ROOT_INO);
  if (!root) throw new FsError('EIO', { syscall: 'lookup', ino: ROOT_INO, detail: 'volume has no root inode' });
  return root;
}

/** The inode a volume path names; `follow` follows a final symlink. */
export async function resolvePath(
  engine: Engine,
  caller: Caller,
  options: { path: string; follow?: boolean; syscall?: string },
): Promise<Attr> {
  const { path, follow = true, syscall = 'stat' } = options;
  const parts = splitPath(path, syscall);
  return engine.read(async (tx) => {
    const w = { tx, reads: new WalkReads(tx), caller, syscall, path, links: { count: 0 } };
    await w.reads.ahead(ROOT_INO, parts);
    return walk(w, await mustRoot(w.reads), parts, follow);
  });
}

/** Walks `path` up to its last component, in `tx`: the directory that would hold it, and the walk (for a step to the component). */
async function walkToParent(tx: EngineTx, caller: Caller, options: { path: string; syscall: string }): Promise<{ w: Walk; parent: Attr; name: Buffer | undefined }> {
  const { path, syscall } = options;
  const parts = splitPath(path, syscall);
  const w = { tx, reads: new WalkReads(tx), caller, syscall, path, links: { count: 0 } };
  // The last component too: resolveEntry steps to it next (for resolveParent, one row more of the same read).
  await w.reads.ahead(ROOT_INO, parts);
  const name = parts.pop();
  const parent = await walk(w, await mustRoot(w.reads), parts, true);
  if (parent.type !== 'dir') throw new FsError('ENOTDIR', { syscall, path });
  return { w, parent, name };
}

/** The directory that would hold a path's last component, and that component (undefined for `/`). */
export async function resolveParent(
  engine: Engine,
  caller: Caller,
  options: { path: string; syscall: string },
): Promise<{ parent: Attr; name: Buffer | undefined }> {
  const { parent, name } = await engine.read((tx) => walkToParent(tx, caller, options));
  return { parent, name };
}

/**
 * The directory that would hold a path's last component, that component (undefined for `/`), and
 * the inode it names if there is one (a final symlink not followed): what resolveParent and then
 * resolvePath of the same path find, in one walk.
 */
export async function resolveEntry(
  engine: Engine,
  caller: Caller,
  options: { path: string; syscall: string },
): Promise<{ parent: Attr; name: Buffer | undefined; attr: Attr | undefined }> {
  return engine.read(async (tx) => {
    const { w, parent, name } = await walkToParent(tx, caller, options);
    return { parent, name, attr: name ? await step(w, parent, name) : parent };
  });
}
