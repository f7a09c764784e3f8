import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestEngine } from '../../src/meta/testing/test-engines.js';
import { Volume, type OpenOptions } from '../../src/sdk/index.js';

/** A volume on a test engine, with objects in a temp directory. */
export interface EngineVolume {
  vol: Volume;
  metaUrl: string;
  storageDir: string;
  /** Opens another client of the same volume (closed by the harness). */
  another(options?: OpenOptions): Promise<Volume>;
}

/** Runs `fn` on a freshly formatted volume of `engine`, then closes every client and removes it all. */
export async function withEngineVolume(
  engine: TestEngine,
  fn: (v: EngineVolume) => Promise<void>,
  options: { blockSize?: string | number } & OpenOptions = {},
): Promise<void> {
  const metaUrl = await engine.newUrl();
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-objects-'));
  const storageDir = path.join(dir, 'objects');
  const clients: Volume[] = [];
  try {
    await Volume.format(metaUrl, 'testvol', { storage: `file://${storageDir}/`, blockSize: options.blockSize ?? '64K' });
    const vol = await Volume.open(metaUrl, options);
    clients.push(vol);
    await fn({
      vol,
      metaUrl,
      storageDir,
      another: async (o) => {
        const v = await Volume.open(metaUrl, o ?? options);
        clients.push(v);
        return v;
      },
    });
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await engine.cleanup(metaUrl);
    rmSync(dir, { recursive: true, force: true });
  }
}
