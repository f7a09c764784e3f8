import type { EngineTx } from '../engine.js';
import type { Attr, Ino } from '../types.js';
import type { CloneAttrs } from './clone-spec.js';
import { clonedAttr } from './cloned-attr.js';

/**
 * Writes the clone of `src` as a new inode: attributes, symlink target, xattrs and chunks
 * (adding one reference per record), and counts it. The caller links it somewhere.
 */
export async function copyInode(tx: EngineTx, src: Attr, target: { ino: Ino; parent: Ino; attrs: CloneAttrs }): Promise<Attr> {
  const attr = clonedAttr(src, target, target.attrs);
  await tx.putInode(attr);
  if (src.type === 'symlink') {
    const link = await tx.getSymlink(src.ino);
    if (link) await tx.putSymlink(attr.ino, link);
  }
  for (const name of await tx.listXattrs(src.ino)) {
    const value = await tx.getXattr(src.ino, name);
    if (value) await tx.putXattr(attr.ino, name, value);
  }
  if (src.type === 'file') {
    await tx.copyChunks(src.ino, attr.ino);
    await tx.addCounter('usedBytes', src.length);
  }
  await tx.addCounter('inodes', 1);
  return attr;
}
