import type { EngineTx } from '../engine.js';
import { type Ino, ROOT_INO } from '../types.js';

/** True when directory `dir` is `ancestor` or lies below it (walks up the parent pointers). */
export async function isWithin(tx: EngineTx, dir: Ino, ancestor: Ino): Promise<boolean> {
  for (let ino = dir, hops = 0; ; hops++) {
    if (ino === ancestor) return true;
    if (ino === ROOT_INO || !ino || hops > 100_000) return false;
    const attr = await tx.getInode(ino);
    if (!attr) return false;
    ino = attr.parent;
  }
}
