import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * mkdir -p that creates one level at a time. Node's recursive mkdir spins forever on some
 * failures (e.g. below /proc, where every level answers ENOENT); this one fails with the error.
 */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || path.dirname(dir) === dir) throw err;
    await ensureDir(path.dirname(dir));
    try {
      await fs.mkdir(dir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}
