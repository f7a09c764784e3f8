import { FsError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import { mayAccess } from '../permissions.js';
import type { Attr, Caller, Ino } from '../types.js';

const R_OK = 4;
const X_OK = 1;

/** What a clone needs of a source: read on a file, read and search on a directory, nothing on others. */
export const CLONE_READ_MASK: Readonly<Record<string, number>> = { dir: R_OK | X_OK, file: R_OK };

/** EACCES unless the caller may read the source `a` as a clone must (each batch checks what it copies). */
export function checkCloneReadable(caller: Caller, a: Pick<Attr, 'ino' | 'type' | 'mode' | 'uid' | 'gid'>): void {
  if (!mayAccess(caller, a as Attr, CLONE_READ_MASK[a.type] ?? 0)) {
    throw new FsError('EACCES', { syscall: 'clone', ino: a.ino, detail: 'no read permission in the source tree' });
  }
}

/**
 * EACCES unless the caller may read every file and read and search every directory of the tree:
 * an early answer before anything is built. The batches check again what they copy, inside
 * their transactions (entries added or chmod'ed meanwhile).
 */
export async function checkTreeReadable(engine: Engine, caller: Caller, root: Attr): Promise<void> {
  if (caller.uid === 0) return;
  const check = (a: Attr) => checkCloneReadable(caller, a);
  check(root);
  let frontier: Ino[] = root.type === 'dir' ? [root.ino] : [];
  while (frontier.length) {
    const next: Ino[] = [];
    await engine.read(async (tx) => {
      for (const dir of frontier) {
        for (let after: Buffer | undefined, more = true; more; ) {
          const edges = await tx.listEdges(dir, after, 5000);
          for (const e of edges) {
            const attr = await tx.getInode(e.ino);
            if (!attr) continue;
            check(attr);
            if (attr.type === 'dir') next.push(attr.ino);
          }
          after = edges[edges.length - 1]?.name;
          more = edges.length === 5000;
        }
      }
    });
    frontier = next;
  }
}
