import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ObjectInfo } from '../../object-store.js';

interface WalkOptions {
  prefix: string;
  startAfter: string;
  /** A top-level directory name that holds no objects. */
  skipTop: string;
}

/**
 * Files under `root` as keys in byte order, those under `prefix` and after `startAfter`
 * only. Siblings sort as their key text (a directory `a` as `a/`), so a depth-first walk
 * yields keys in order, and subtrees wholly before `startAfter` are skipped unread.
 */
export async function* walkKeys(root: string, options: WalkOptions, dir = ''): AsyncGenerator<ObjectInfo> {
  let entries;
  try {
    entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const named = entries
    .filter((e) => !(dir === '' && e.name === options.skipTop))
    .map((e) => ({ entry: e, key: dir + e.name + (e.isDirectory() ? '/' : '') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const { prefix, startAfter } = options;
  for (const { entry, key } of named) {
    if (entry.isDirectory()) {
      const relevant = key.startsWith(prefix) || prefix.startsWith(key);
      const whollyBefore = startAfter > key && !startAfter.startsWith(key);
      if (relevant && !whollyBefore) yield* walkKeys(root, options, key);
    } else if (entry.isFile() && key.startsWith(prefix) && key > startAfter) {
      // An object deleted since the directory was read (by another client) is not listed.
      const st = await fs.stat(path.join(root, key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (st) yield { key, size: st.size, mtime: st.mtimeMs };
    }
  }
}
