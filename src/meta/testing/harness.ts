import { randomUUID } from 'node:crypto';
import { FsError } from '../../errors/index.js';
import { type Caller, FORMAT_VERSION, type VolumeSettings } from '../types.js';
import { VolumeMeta } from '../volume-meta.js';
import type { TestEngine } from './test-engines.js';

export const root: Caller = { uid: 0, gid: 0, gids: [], umask: 0o022 };
export const alice: Caller = { uid: 1001, gid: 1001, gids: [], umask: 0o022 };
export const bob: Caller = { uid: 1002, gid: 1002, gids: [1001], umask: 0o022 };

/** Polls `check` every 10 ms until it holds; fails naming `what` after `ms`. */
export async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

/** Bytes of a name. */
export const n = (s: string) => Buffer.from(s);

export function testSettings(): VolumeSettings {
  return { name: 'test', uuid: randomUUID(), storage: 'mem://objects', blockSize: 4096, trashDays: 0, version: FORMAT_VERSION, createdAt: Date.now() };
}

/** Runs `fn` with a freshly formatted volume's metadata, then closes and removes it. */
export async function withMeta(
  engine: TestEngine,
  fn: (meta: VolumeMeta, url: string) => Promise<void>,
  settings: Partial<VolumeSettings> = {},
): Promise<void> {
  const url = await engine.newUrl();
  try {
    await VolumeMeta.format(url, { ...testSettings(), ...settings });
    const meta = await VolumeMeta.open(url);
    try {
      await fn(meta, url);
    } finally {
      await meta.close();
    }
  } finally {
    await engine.cleanup(url);
  }
}

/** As withMeta, with a second client of the same volume (another VolumeMeta, closed after `fn`). */
export async function withOtherClient(
  engine: TestEngine,
  fn: (meta: VolumeMeta, other: VolumeMeta, url: string) => Promise<void>,
): Promise<void> {
  await withMeta(engine, async (meta, url) => {
    const other = await VolumeMeta.open(url);
    try {
      await fn(meta, other, url);
    } finally {
      await other.close();
    }
  });
}

/** Asserts that a promise rejects with an FsError of the errno. */
export async function rejectsWith(promise: Promise<unknown>, code: FsError['code']): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FsError && err.code === code) return;
    throw new Error(`expected ${code}, got ${(err as Error)?.message ?? err}`, { cause: err });
  }
  throw new Error(`expected ${code}, but it succeeded`);
}
