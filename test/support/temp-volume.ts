import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Volume, type FormatOptions, type OpenOptions } from '../../src/sdk/index.js';

/** A formatted SQLite + file:// volume in a temp dir, for system tests. */
export interface TempVolume {
  dir: string;
  metaUrl: string;
  storageDir: string;
  open(options?: OpenOptions): Promise<Volume>;
  remove(): void;
}

export async function tempVolume(options: FormatOptions & { metaUrl?: string } = {}): Promise<TempVolume> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-test-'));
  const metaUrl = options.metaUrl ?? `sqlite3://${dir}/meta.db`;
  const storageDir = path.join(dir, 'objects');
  await Volume.format(metaUrl, 'testvol', { storage: `file://${storageDir}/`, ...options });
  return {
    dir,
    metaUrl,
    storageDir,
    open: (o) => Volume.open(metaUrl, o),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `fn` with an open volume, then closes and removes it. */
export async function withVolume(
  fn: (vol: Volume, tv: TempVolume) => Promise<void>,
  options: FormatOptions & OpenOptions = {},
): Promise<void> {
  const tv = await tempVolume(options);
  const vol = await tv.open(options);
  try {
    await fn(vol, tv);
  } finally {
    await vol.close();
    tv.remove();
  }
}
