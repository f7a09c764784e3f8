import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestEngine } from '../../src/meta/testing/test-engines.js';
import { Volume } from '../../src/sdk/index.js';
import { slicefs } from '../support/cli.js';
import { MountedVolume } from '../fuse/support/mounted-volume.js';
import { killChildren } from './children.js';

/** A volume of a crash test: engine, file:// store, a mount point, and the test's own SDK client. */
export interface CrashVolume {
  engine: TestEngine;
  dir: string;
  metaUrl: string;
  /** The file:// store's directory. */
  storageDir: string;
  /** Where `mount()` mounts it (the same directory every time, as after a real crash). */
  mnt: string;
  /** The test's client, for checks through the SDK. */
  vol: Volume;
  /** Mounts the volume at `mnt` with `slicefs mount` in a child process. */
  mount(): Promise<MountedVolume>;
}

export const isMounted = (mnt: string): boolean =>
  readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === mnt);

/**
 * Runs `fn` on a volume formatted by `slicefs format` (so the storage URL goes through the
 * CLI as a user's would). Afterwards, whatever happened: every mount is unmounted (lazily if it
 * must be), every child process killed, the engine's database or prefix and the temp dir removed.
 */
export async function withCrashVolume(
  engine: TestEngine,
  fn: (cv: CrashVolume) => Promise<void>,
  options: { blockSize?: string; storageQuery?: string } = {},
): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-crash-'));
  const storageDir = path.join(dir, 'objects');
  const mnt = path.join(dir, 'mnt');
  mkdirSync(mnt);
  const metaUrl = await engine.newUrl();
  const mounts: MountedVolume[] = [];
  let vol: Volume | undefined;
  try {
    const storage = `file://${storageDir}/${options.storageQuery ? `?${options.storageQuery}` : ''}`;
    const f = slicefs(['format', metaUrl, 'crashvol', '--storage', storage, '--block-size', options.blockSize ?? '1M']);
    if (f.code !== 0) throw new Error(`format failed: ${f.err}`);
    vol = await Volume.open(metaUrl, { program: 'crash test' });
    await fn({
      engine,
      dir,
      metaUrl,
      storageDir,
      mnt,
      vol,
      mount: async () => {
        const m = await MountedVolume.start(metaUrl, { mnt });
        mounts.push(m);
        return m;
      },
    });
  } finally {
    await killChildren();
    for (const m of mounts.reverse()) await m.stop();
    if (isMounted(mnt)) spawnSync('umount', ['-l', mnt]);
    await vol?.close().catch(() => undefined);
    await engine.cleanup(metaUrl);
    if (!isMounted(mnt)) rmSync(dir, { recursive: true, force: true });
  }
}
