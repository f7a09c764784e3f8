import { isFsError } from '../errors/index.js';
import { O_CREAT, O_EXCL, O_TRUNC, O_WRONLY } from '../vfs/open-flags.js';
import type { Vfs } from '../vfs/vfs.js';
import { toBytes } from './node-args.js';
import { withPaths } from './volume-errors.js';
import { createTarget, type PathContext, targetParent } from './volume-paths.js';

/**
 * writeFile's path for a file that does not exist yet, with small data (bytes or a string,
 * at most one block): the file is created holding its data in one transaction, where open,
 * write and close take two and leave an empty file visible in between. True when it created
 * the file; false when the general path must run (the name exists, larger data, other flags).
 */
export async function writeNewFile(
  vol: PathContext & { vfs: Vfs },
  spec: { path: string; flags: number; mode: number; data: unknown; encoding: BufferEncoding | 'buffer' | null },
): Promise<boolean> {
  const { path, flags, data } = spec;
  const plain = flags === (O_WRONLY | O_CREAT | O_TRUNC) || flags === (O_WRONLY | O_CREAT | O_TRUNC | O_EXCL);
  if (!plain || (typeof data !== 'string' && !ArrayBuffer.isView(data))) return false;
  const bytes = toBytes(data, spec.encoding);
  if (bytes.length > vol.vfs.chunks.smallFileLimit) return false;
  const exclusive = (flags & O_EXCL) !== 0;
  return withPaths({ syscall: 'open', path }, async () => {
    const target = exclusive ? { path } : await createTarget(vol, path);
    if (target.existing) return false;
    const { parent, name } = await targetParent(vol, target, 'open');
    try {
      await vol.vfs.createFile(vol.caller, { parent: parent.ino, name }, { mode: spec.mode & 0o7777, data: bytes });
      return true;
    } catch (err) {
      // Created by someone else meanwhile: overwrite it the general way.
      if (isFsError(err, 'EEXIST') && !exclusive) return false;
      throw err;
    }
  });
}
