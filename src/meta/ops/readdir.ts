import type { MetaContext } from '../context.js';
import type { EngineTx, EntriesRead } from '../engine.js';
import type { DirPage, ReaddirOptions } from '../meta.js';
import { checkAccess } from '../permissions.js';
import { type Caller, type Ino, ROOT_INO } from '../types.js';
import { FsError } from '../../errors/index.js';

const R_OK = 4;

/** One page of a directory's entries (no `.`/`..`), resumable from the last name returned. */
export async function readdir(ctx: MetaContext, caller: Caller, ino: Ino, options: ReaddirOptions = {}): Promise<DirPage> {
  const limit = Math.max(1, Math.min(options.limit ?? 1000, 100_000));
  const plus = options.plus === true;
  return ctx.engine.read(async (tx) => {
    const { dir, entries } = await readEntries(tx, ino, options.after, limit, plus);
    if (!dir) throw new FsError('ENOENT', { syscall: 'readdir', ino });
    if (dir.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'readdir', ino });
    checkAccess(caller, dir, R_OK, 'readdir');
    const page: DirPage = { entries: plus ? entries.filter((e) => e.attr) : entries, parent: ino === ROOT_INO ? ROOT_INO : dir.parent };
    if (entries.length === limit) page.next = entries[entries.length - 1]!.name;
    return page;
  });
}

/**
 * The directory `ino` and one page of its entries, with their inodes when `withAttrs`: one read
 * on engines with `listEntries`, else one for the directory, one for the page and one per entry.
 */
function readEntries(tx: EngineTx, ino: Ino, after: Buffer | undefined, limit: number, withAttrs: boolean): Promise<EntriesRead> {
  return tx.listEntries ? tx.listEntries(ino, after, limit, withAttrs) : readEntryParts(tx, ino, after, limit, withAttrs);
}

async function readEntryParts(tx: EngineTx, ino: Ino, after: Buffer | undefined, limit: number, withAttrs: boolean): Promise<EntriesRead> {
  const dir = await tx.getInode(ino);
  if (dir?.type !== 'dir') return { dir, entries: [] };
  const edges = await tx.listEdges(ino, after, limit);
  if (!withAttrs) return { dir, entries: edges };
  return { dir, entries: await Promise.all(edges.map(async (e) => ({ ...e, attr: await tx.getInode(e.ino) }))) };
}
