import { promises as fs } from 'node:fs';

/**
 * fsync(2) of a file (its data and the size needed to read it back: fdatasync) or of a
 * directory (its entries: fsync). Linux needs the directory's own fsync for a new name in it
 * to survive a power cut; the file's fsync does not cover it.
 */
export async function syncPath(file: string, what: 'file' | 'dir'): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    if (what === 'file') await handle.datasync();
    else await handle.sync();
  } finally {
    await handle.close();
  }
}
