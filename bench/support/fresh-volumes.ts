import { withMeta } from '../../src/meta/testing/harness.js';
import { TEST_ENGINES } from '../../src/meta/testing/test-engines.js';
import type { VolumeMeta } from '../../src/meta/volume-meta.js';

/**
 * Runs `fn` on the metadata of a freshly formatted volume of each engine in `engines`
 * (comma-separated test-engine names), one after another; each volume is closed and removed after.
 */
export async function onFreshVolumes(engines: string, fn: (name: string, meta: VolumeMeta) => Promise<void>): Promise<void> {
  for (const name of engines.split(',')) {
    const engine = TEST_ENGINES.find((e) => e.name === name);
    if (!engine) throw new Error(`--engines: unknown engine '${name}'`);
    await withMeta(engine, (meta) => fn(name, meta));
  }
}
