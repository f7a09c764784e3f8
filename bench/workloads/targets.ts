// The file systems bench:workloads compares: slicefs mounts (one per metadata engine), bindfs
// (a passthrough FUSE file system in C) over a local directory, and the local disk itself.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { statsOfMount } from '../../src/fuse/control-client.js';
import type { MountStatsSnapshot } from '../../src/fuse/mount-stats.js';
import type { TestEngine } from '../../src/meta/testing/test-engines.js';
import { Volume } from '../../src/sdk/index.js';

const BIN = path.resolve('bin/slicefs.js');

export const mountedAt = (mnt: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === mnt);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One file system under test. */
export interface Target {
  /** Column name: `slicefs sqlite3`, `bindfs`, `local`. */
  name: string;
  /** Where workloads run (the mount point, or a directory on the local disk). */
  dir: string;
  /** The slicefs volume's metadata URL (the SDK workload opens it beside the mount). */
  metaUrl?: string;
  /** The mount's counters (slicefs only). */
  stats?(): MountStatsSnapshot;
  start(): Promise<void>;
  /** Unmounts and removes what `start` made; safe to call twice and after a failed start. */
  stop(): Promise<void>;
}

/** A slicefs volume on `engine` (objects in `file://` under `work`), mounted by a `slicefs mount` process. */
export function slicefsTarget(engine: TestEngine, work: string, options: { inlineSize?: number } = {}): Target {
  const variant = options.inlineSize === undefined ? '' : `-inline-${options.inlineSize}`;
  const root = path.join(work, `slicefs-${engine.name}${variant}`);
  const mnt = path.join(root, 'mnt');
  let metaUrl: string | undefined;
  let proc: ReturnType<typeof spawn> | undefined;
  const target: Target = {
    name: `slicefs ${engine.name}${options.inlineSize === undefined ? '' : ` inline ${options.inlineSize}`}`,
    dir: mnt,
    stats: () => statsOfMount(mnt),
    async start() {
      mkdirSync(mnt, { recursive: true });
      metaUrl = await engine.newUrl();
      target.metaUrl = metaUrl;
      await Volume.format(metaUrl, 'bench-workloads', { storage: `file://${root}/objects/`, inlineSize: options.inlineSize });
      proc = spawn(process.execPath, [BIN, 'mount', metaUrl, mnt], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, UV_THREADPOOL_SIZE: '16', SLICEFS_MOUNT_PROCESS: '1' },
      });
      for (let i = 0; !mountedAt(mnt); i++) {
        if (i > 600 || proc.exitCode !== null) throw new Error(`slicefs mount of ${engine.name} did not come up`);
        await sleep(50);
      }
    },
    async stop() {
      if (mountedAt(mnt) && spawnSync('umount', [mnt]).status !== 0) spawnSync('umount', ['-l', mnt]);
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc!.once('exit', r));
        const timer = setTimeout(() => proc!.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      proc = undefined;
      if (metaUrl) await engine.cleanup(metaUrl).catch((err: unknown) => process.stderr.write(`cleaning up ${metaUrl}: ${(err as Error).message}\n`));
      metaUrl = undefined;
    },
  };
  return target;
}

/** Installs bindfs from Debian when it is missing (the bench needs it as the baseline). */
export function ensureBindfs(): void {
  if (spawnSync('sh', ['-c', 'command -v bindfs']).status === 0) return;
  process.stderr.write('bindfs is missing: apt-get install -y bindfs\n');
  execFileSync('apt-get', ['install', '-y', 'bindfs'], { stdio: 'inherit' });
}

/** bindfs SRC MNT, both under `work`. */
export function bindfsTarget(work: string): Target {
  const src = path.join(work, 'bindfs', 'src');
  const mnt = path.join(work, 'bindfs', 'mnt');
  return {
    name: 'bindfs',
    dir: mnt,
    async start() {
      mkdirSync(src, { recursive: true });
      mkdirSync(mnt, { recursive: true });
      execFileSync('bindfs', [src, mnt]);
    },
    async stop() {
      if (mountedAt(mnt) && spawnSync('umount', [mnt]).status !== 0) spawnSync('umount', ['-l', mnt]);
    },
  };
}

/** A directory on the local disk (the file system `work` is on). */
export function localTarget(work: string): Target {
  const dir = path.join(work, 'local');
  return { name: 'local', dir, start: async () => void mkdirSync(dir, { recursive: true }), stop: async () => undefined };
}
