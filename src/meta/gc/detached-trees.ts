import type { Engine } from '../engine.js';
import { type DetachedNode, RECLAIMING_SESSION, type SessionInfo } from '../types.js';

/** One detached tree as gc and status both judge it. */
export interface DetachedTree extends DetachedNode {
  ageMs: number;
  /** Why gc --delete removes it now, or undefined when it is spared (a clone under way). */
  reclaimable?: 'session gone' | 'session expired' | 'claimed by gc' | 'older than threshold';
  /** When spared: until when its session's lease runs (ms since the epoch). */
  sessionExpires?: number;
}

/**
 * The rule of DESIGN §3 rule 7, in one place for `gc` and `status`: a detached tree is
 * reclaimable when its session is gone or expired, or it is older than `thresholdMs`;
 * otherwise it is a clone under way and spared.
 */
export function judgeDetached(nodes: readonly DetachedNode[], sessions: readonly SessionInfo[], at: { now: number; thresholdMs: number }): DetachedTree[] {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  return nodes.map((node) => {
    const tree: DetachedTree = { ...node, ageMs: Math.max(0, at.now - node.createdAt) };
    const session = byId.get(node.session);
    if (node.session === RECLAIMING_SESSION) tree.reclaimable = 'claimed by gc';
    else if (!session) tree.reclaimable = 'session gone';
    else if (session.expires < at.now) tree.reclaimable = 'session expired';
    else if (tree.ageMs > at.thresholdMs) tree.reclaimable = 'older than threshold';
    else tree.sessionExpires = session.expires;
    return tree;
  });
}

/** Lists and judges every detached tree of the volume. */
export async function listDetachedTrees(engine: Engine, at: { now?: number; thresholdMs: number }): Promise<DetachedTree[]> {
  const [nodes, sessions] = await Promise.all([engine.listDetached(), engine.listSessions()]);
  return judgeDetached(nodes, sessions, { now: at.now ?? Date.now(), thresholdMs: at.thresholdMs });
}

/**
 * Takes a detached tree over for removal, in one transaction: only if it is still detached and
 * still owned by the session gc judged (a clone that linked it meanwhile keeps it). Its owner
 * becomes RECLAIMING_SESSION, so the clone's next batch stops with ECANCELED and a gc that
 * dies while removing it leaves a record the next gc removes.
 */
export async function claimDetached(engine: Engine, node: DetachedNode): Promise<boolean> {
  return engine.txn(async (tx) => {
    const now = await tx.getDetached(node.ino);
    if (!now || now.session !== node.session) return now?.session === RECLAIMING_SESSION;
    await tx.deleteDetached(node.ino);
    await tx.putDetached({ ...now, session: RECLAIMING_SESSION });
    return true;
  });
}
