import { FsError } from '../../errors/index.js';
import type { MetaContext } from '../context.js';
import { checkName, isDotName } from '../names.js';
import { checkModifyDir } from '../permissions.js';
import { checkNotTrash } from '../trash/trash.js';
import { now } from '../times.js';
import type { Attr, Caller, Ino } from '../types.js';
import { mustGetInode, touchDir } from './inode-records.js';
import { chargeQuotas } from '../space/dir-quotas.js';

const MAX_LINKS = 65000;

/** Adds the name `name` in `parent` for the non-directory `ino`. */
export async function link(ctx: MetaContext, caller: Caller, target: { ino: Ino; parent: Ino; name: Buffer }): Promise<Attr> {
  const { ino, parent, name } = target;
  checkName(name, 'link');
  return ctx.engine.txn(async (tx) => {
    const attr = await mustGetInode(tx, ino, 'link');
    if (attr.type === 'dir') throw new FsError('EPERM', { syscall: 'link', ino, detail: 'hard link to a directory' });
    if (attr.nlink === 0) throw new FsError('ENOENT', { syscall: 'link', ino });
    if (attr.nlink >= MAX_LINKS) throw new FsError('EMLINK', { syscall: 'link', ino });
    const dir = await mustGetInode(tx, parent, 'link');
    checkModifyDir(caller, dir, 'link');
    checkNotTrash(dir, 'link');
    if (isDotName(name) || (await tx.getEdge(parent, name))) throw new FsError('EEXIST', { syscall: 'link', path: name.toString() });
    await chargeQuotas(ctx, tx, { dir: parent, bytes: attr.type === 'file' ? attr.length : 0, inodes: 1, syscall: 'link', ino });
    await tx.putEdge(parent, { name, ino, type: attr.type });
    const t = now();
    attr.nlink += 1;
    attr.ctime = t;
    attr.parent = 0 as Ino;
    await tx.putInode(attr);
    touchDir(dir, t);
    await tx.putInode(dir);
    return attr;
  });
}
