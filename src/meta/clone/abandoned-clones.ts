import { FsError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import type { Ino } from '../types.js';
import { removeDetachedTree } from './remove-tree.js';

const errno = (err: unknown): string => (err instanceof FsError ? err.code : 'EIO');

/**
 * The unfinished copies of aborted clones this client still has to remove (DESIGN §3 rule 7).
 * A removal that fails (an engine outage) is not forgotten: it is logged and retried after the
 * next successful heartbeat and at close. If the client ends first, the tree stays detached
 * under its session, which then ends, and `gc --delete` removes it.
 */
export class AbandonedClones {
  private readonly roots = new Set<Ino>();

  constructor(
    private readonly engine: Engine,
    private readonly log: (line: string) => void,
  ) {}

  /** Detached roots whose removal is still to be retried. */
  get pending(): Ino[] {
    return [...this.roots];
  }

  /** Removes an aborted clone's detached tree now, or keeps it to retry. */
  async remove(root: Ino): Promise<void> {
    try {
      await removeDetachedTree(this.engine, root);
    } catch (err) {
      this.roots.add(root);
      this.log(
        `slicefs: clone: removing the unfinished copy (detached inode ${root}) failed (${errno(err)}: ${(err as Error).message}); ` +
          'retried after the next heartbeat; gc --delete removes it if this client ends first',
      );
    }
  }

  /** Retries every pending removal, in order; stops at the first that still fails. */
  async retry(): Promise<void> {
    for (const root of this.roots) {
      try {
        const inodes = await removeDetachedTree(this.engine, root);
        this.roots.delete(root);
        this.log(`slicefs: clone: the unfinished copy (detached inode ${root}) is removed now (${inodes} inodes), on retry`);
      } catch (err) {
        this.log(`slicefs: clone: removing the unfinished copy (detached inode ${root}) failed again (${errno(err)}); retried after the next heartbeat`);
        return;
      }
    }
  }
}
