import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { checkName, isDotName } from '../names.js';
import { isWithin } from '../ops/ancestry.js';
import { mustGetInode } from '../ops/inode-records.js';
import { checkModifyDir } from '../permissions.js';
import { checkNotTrash } from '../trash/trash.js';
import { now } from '../times.js';
import { type Attr, type Caller, FIRST_INTERNAL_INO, type Ino, TRASH_INO } from '../types.js';
import { checkTreeReadable } from './check-readable.js';
import { cloneFile } from './clone-file.js';
import { checkCloneOptions } from './clone-options.js';
import type { CloneAttrs, CloneOptions } from './clone-spec.js';
import { cloneTree } from './clone-tree.js';

/**
 * Clones `src` to the new name `name` in `parent` by copying metadata only (DESIGN §3):
 * a file in one transaction, a directory as a detached tree linked at the end.
 */
export async function clone(
  ctx: MetaContext,
  caller: Caller,
  spec: { src: Ino; parent: Ino; name: Buffer },
  options: CloneOptions = {},
): Promise<Attr> {
  const path = spec.name.toString();
  checkCloneOptions(options);
  checkName(spec.name, 'clone');
  if (spec.src >= FIRST_INTERNAL_INO) throw new FsError('EPERM', { syscall: 'clone', ino: spec.src, detail: 'internal files cannot be cloned' });
  options.signal?.throwIfAborted();
  const { src } = await ctx.engine.read(async (tx) => {
    const source = await mustGetInode(tx, spec.src, 'clone');
    const dir = await mustGetInode(tx, spec.parent, 'clone');
    checkModifyDir(caller, dir, 'clone');
    checkNotTrash(dir, 'clone');
    if (isDotName(spec.name) || (await tx.getEdge(spec.parent, spec.name))) throw new FsError('EEXIST', { syscall: 'clone', path });
    if (source.type === 'dir' && (await isWithin(tx, spec.parent, source.ino))) {
      throw new FsError('EINVAL', { syscall: 'clone', path, detail: 'destination is inside the source' });
    }
    if (source.nlink === 0) throw new FsError('ENOENT', { syscall: 'clone', ino: source.ino });
    if (source.parent && (await isWithin(tx, source.parent, TRASH_INO))) {
      throw new FsError('EPERM', { syscall: 'clone', ino: source.ino, detail: 'files in the trash cannot be cloned' });
    }
    return { src: source };
  });
  await checkTreeReadable(ctx.engine, caller, src);
  const attrs: CloneAttrs = options.preserve
    ? caller.uid === 0
      ? { preserve: true }
      : { preserve: true, owner: { uid: caller.uid, gid: caller.gid } }
    : { preserve: false, uid: caller.uid, gid: caller.gid, umask: caller.umask, now: now() };
  if (src.type !== 'dir') {
    const attr = await cloneFile(ctx, caller, { src: src.ino, parent: spec.parent, name: spec.name, attrs });
    options.onProgress?.(1, 1);
    return attr;
  }
  return cloneTree(ctx, caller, { src: src.ino, parent: spec.parent, name: spec.name, attrs }, options);
}
