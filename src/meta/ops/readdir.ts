import type { MetaContext } from '../context.js';
import type { DirPage, ReaddirOptions } from '../meta.js';
import { checkAccess } from '../permissions.js';
import type { Caller, Ino } from '../types.js';
import { FsError } from '../../errors/index.js';
import { mustGetInode } from './inode-records.js';

const R_OK = 4;

/** One page of a directory's entries (no `.`/`..`), resumable from the last name returned. */
export async function readdir(ctx: MetaContext, caller: Caller, ino: Ino, options: ReaddirOptions = {}): Promise<DirPage> {
  const limit = Math.max(1, Math.min(options.limit ?? 1000, 100_000));
  return ctx.engine.read(async (tx) => {
    const dir = await mustGetInode(tx, ino, 'readdir');
    if (dir.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'readdir', ino });
    checkAccess(caller, dir, R_OK, 'readdir');
    const edges = await tx.listEdges(ino, options.after, limit);
    const entries: DirPage['entries'] = options.plus
      ? await Promise.all(edges.map(async (e) => ({ ...e, attr: await tx.getInode(e.ino) })))
      : edges;
    const page: DirPage = { entries: entries.filter((e) => !options.plus || e.attr) };
    if (edges.length === limit) page.next = edges[edges.length - 1]!.name;
    return page;
  });
}
