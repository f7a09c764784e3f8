import { FsError } from '../../errors/index.js';
import type { EngineTx } from '../engine.js';
import type { DetachedNode, Ino, SessionId } from '../types.js';

/** The error of a clone whose unfinished copy gc claimed or removed: it stops, building nothing more. */
export function lostCloneError(root: Ino, node: DetachedNode | undefined): FsError {
  const detail = node
    ? "gc claimed this clone's unfinished copy (its session expired or the copy passed gc's age threshold); nothing more is built"
    : "this clone's unfinished copy is gone (removed by gc); nothing more is built";
  return new FsError('ECANCELED', { syscall: 'clone', ino: root, detail });
}

/** True for lostCloneError of this root: the copy is gc's now, not the clone's to remove (a cancelled clone's ECANCELED is not this). */
export function isLostClone(err: unknown, root: Ino): boolean {
  return err instanceof FsError && err.code === 'ECANCELED' && err.syscall === 'clone' && err.ino === root;
}

/**
 * Checks, inside the transaction of a clone step, that the detached root still exists and
 * belongs to the cloning session; ECANCELED otherwise (DESIGN §3 rule 7: gc may take over the
 * copy of a session it considers dead, and the clone must not build under what gc removes).
 */
export async function checkCloneOwner(tx: EngineTx, owner: { root: Ino; session: SessionId } | undefined): Promise<void> {
  if (!owner) return;
  const node = await tx.getDetached(owner.root);
  if (!node || node.session !== owner.session) throw lostCloneError(owner.root, node);
}
