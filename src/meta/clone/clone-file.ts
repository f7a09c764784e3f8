import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { isDotName } from '../names.js';
import { mustGetInode, touchDir } from '../ops/inode-records.js';
import { checkModifyDir } from '../permissions.js';
import type { Attr, Caller, Ino } from '../types.js';
import type { CloneAttrs } from './clone-spec.js';
import { copyInode } from './copy-inode.js';
import { checkVolumeLimits } from '../space/volume-limits.js';
import { chargeQuotas } from '../space/dir-quotas.js';

/** Clones a non-directory in one transaction: new inode, its chunks shared, linked at `name` in `parent`. */
export async function cloneFile(
  ctx: MetaContext,
  caller: Caller,
  spec: { src: Ino; parent: Ino; name: Buffer; attrs: CloneAttrs },
): Promise<Attr> {
  const ino = (await ctx.inodeIds.one()) as Ino;
  return ctx.engine.txn(async (tx) => {
    const src = await mustGetInode(tx, spec.src, 'clone');
    const dir = await mustGetInode(tx, spec.parent, 'clone');
    checkModifyDir(caller, dir, 'clone');
    if (isDotName(spec.name) || (await tx.getEdge(spec.parent, spec.name))) {
      throw new FsError('EEXIST', { syscall: 'clone', path: spec.name.toString() });
    }
    await checkVolumeLimits(ctx.settings, { tx, bytes: src.type === 'file' ? src.length : 0, inodes: 1, syscall: 'clone', ino: spec.src });
    await chargeQuotas(ctx, tx, { dir: spec.parent, bytes: src.type === 'file' ? src.length : 0, inodes: 1, syscall: 'clone', ino: spec.src });
    const copy = await copyInode(tx, src, { ino, parent: spec.parent, attrs: spec.attrs });
    await tx.putEdge(spec.parent, { name: spec.name, ino, type: copy.type });
    touchDir(dir);
    await tx.putInode(dir);
    return copy;
  });
}
