import assert from 'node:assert/strict';
import { checkVolume, FsError, type Volume } from '../../src/sdk/index.js';
import { countObjects, recordedBlockKeys } from '../support/tree.js';

/** fsck (with every object checked) finds nothing wrong. */
export async function assertFsckClean(vol: Volume, when: string): Promise<void> {
  const report = await checkVolume(vol, { checkObjects: true });
  assert.deepEqual(report.problems.map((p) => `${p.kind}: ${p.detail}`), [], `fsck ${when}`);
}

/** Once deletions drain, the store holds exactly the blocks of the slices the engine records. */
export async function assertStoreExact(vol: Volume, storageDir: string, when: string): Promise<number> {
  await vol.settle();
  assert.deepEqual(await vol.meta.pendingSlices(1_000_000), [], `deletion queue drained ${when}`);
  const expected = (await recordedBlockKeys(vol)).length;
  assert.equal(countObjects(storageDir), expected, `the store holds exactly the blocks of the recorded slices ${when}`);
  return expected;
}

/** The errno of a failed call, or 'ok'. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    if (err instanceof FsError) return err.code;
    throw err;
  }
}

/** `fn` over `items`, `width` at a time, results in order. */
export async function mapLimit<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** One line for a list of unexpected failures: what was tried, the errno and the message. */
export const describeError = (what: string, err: unknown) => `${what}: ${(err as { code?: string }).code ?? ''} ${(err as Error).message}`;

/**
 * Retries `check` until it passes or `timeoutMs` ends (then its last failure is thrown). For what
 * other clients finish asynchronously: a client drops the open records of closed files in
 * batches, within a second, so a file unlinked elsewhere is deleted shortly after, not at once.
 */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
