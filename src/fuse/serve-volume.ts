import { FsError, isFsError } from '../errors/index.js';
import { IN_PROCESS_ENGINES } from '../meta/registry.js';
import type { Attr } from '../meta/types.js';
import { Volume } from '../sdk/index.js';
import { ControlFile } from './control-file.js';
import { checkMountpoint } from './mount.js';
import { mountRegistry, serveMetrics } from './metrics-endpoint.js';
import { MountStats } from './mount-stats.js';
import { FuseServer } from './server.js';

/** How `slicefs mount` serves a volume. */
export interface ServeVolumeOptions {
  readOnly?: boolean;
  /** Mount over a non-empty directory (otherwise ENOTEMPTY). */
  nonempty?: boolean;
  /** Block cache bytes. */
  cacheSize?: number;
  /** The local disk cache directory and its size (`--cache-dir`, `--cache-dir-size`). */
  cacheDir?: string;
  cacheDirSize?: number;
  /** The session TTL: how long the mount may go silent before others take over its locks and files. */
  sessionTtlMs?: number;
  /** Log every request (the access log). */
  debug?: boolean;
  /** Where messages go (stderr by default). */
  log?: (line: string) => void;
  /** How /dev/fuse is read (see ServeOptions). */
  deviceReads?: 'event-loop' | 'thread-pool';
  /**
   * Serve only this directory of the volume (a volume path) as the mount's root. Such a mount
   * has no `.control`/`.stats` files (clone, rmr and info go through `--meta`), and its `df`
   * shows the directory's quota where it has one.
   */
  subdir?: string;
  /** Serve the mount's counters as Prometheus metrics at http://ADDRESS/metrics (`HOST:PORT`, `:PORT`, `PORT`). */
  metrics?: string;
  /** Called once the mount is live (`metricsUrl`: where --metrics listens). */
  onReady?: (info: { volume: string; mountpoint: string; metricsUrl?: string }) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The device reads the mount keeps pending: leave thread-pool threads for the object store's file I/O. */
function readersFor(poolSize: number): number {
  return Math.max(1, Math.min(8, poolSize - 4));
}

/** SLICEFS_BUSY_POLL_US, when set: µs of busy polling after the last answer (0: none; see eventLoopSource). */
function busyPollMicros(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const us = Number(value);
  if (!Number.isFinite(us) || us < 0 || us > 10_000) throw new FsError('EINVAL', { syscall: 'mount', detail: `SLICEFS_BUSY_POLL_US=${value}: not a number of µs from 0 to 10000` });
  return us;
}

/**
 * Opens a volume, mounts it and serves it until it is unmounted. SIGINT/SIGTERM/SIGHUP commit
 * buffered writes and unmount; a busy mount is detached lazily (served until its last file
 * closes); a second signal aborts the kernel connection.
 */
export async function serveVolume(metaUrl: string, mountpoint: string, options: ServeVolumeOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  checkMountpoint(mountpoint, options); // before opening the volume: a bad mount point fails at once
  const stats = new MountStats();
  const volume = await Volume.open(metaUrl, {
    program: 'slicefs mount', cacheSize: options.cacheSize, cacheDir: options.cacheDir, cacheDirSize: options.cacheDirSize, sessionTtlMs: options.sessionTtlMs, deleteObjects: !options.readOnly, log, metrics: stats.volume,
  });
  const snapshot = () => stats.snapshot(volume.vfs);
  let root: Attr | undefined;
  try {
    root = options.subdir === undefined ? undefined : await volume.meta.resolve(volume.caller, options.subdir);
    if (root && root.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'mount', path: options.subdir, detail: '--subdir must name a directory' });
  } catch (err) {
    await volume.close();
    throw err;
  }
  let metrics: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  let stopping = false;
  let server: FuseServer | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!server) return;
    if (stopping) {
      log(`slicefs mount: ${signal} again: aborting the connection`);
      server.abort();
      return;
    }
    stopping = true;
    log(`slicefs mount: ${signal}: committing open files and unmounting ${mountpoint}`);
    void stop(server);
  };
  const stop = async (s: FuseServer) => {
    await volume.vfs.flushAll().catch((err: unknown) => log(`slicefs mount: committing open files: ${(err as Error).message}`));
    try {
      await s.unmount();
    } catch (err) {
      if (!isFsError(err, 'EBUSY')) return log(`slicefs mount: ${(err as Error).message}`);
      log(`slicefs mount: ${mountpoint} is busy: detaching it now, serving open files until they close`);
      await s.unmount({ lazy: true }).catch((e: unknown) => log(`slicefs mount: ${(e as Error).message}`));
    }
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    // Listening first: an address in use fails the command before anything is mounted.
    if (options.metrics !== undefined) metrics = await serveMetrics(options.metrics, mountRegistry(snapshot));
    server = await FuseServer.mount(volume.vfs, {
      mountpoint,
      source: `slicefs:${volume.settings.name}`,
      readOnly: options.readOnly,
      nonempty: options.nonempty,
      deviceReads: options.deviceReads ?? (process.env.SLICEFS_DEVICE_READS as ServeVolumeOptions['deviceReads']),
      readers: readersFor(Number(process.env.UV_THREADPOOL_SIZE ?? 4)),
      busyPollMicros: busyPollMicros(process.env.SLICEFS_BUSY_POLL_US),
      // SQLite answers in this process; with it, keeping the loop awake only took CPU from tar.
      pollWhileWaiting: !IN_PROCESS_ENGINES.has(volume.meta.engine.scheme),
      virtualFiles: root ? [] : [new ControlFile(volume.vfs, volume.meta.engine, () => ({ ...snapshot() }))],
      root: root?.ino,
      accessLog: options.debug ? log : undefined,
      stats: stats.ops,
      errorLog: (line) => log(`slicefs mount: ${line}`),
    });
    options.onReady?.({ volume: volume.settings.name, mountpoint, metricsUrl: metrics?.url });
    await server.finished;
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
    metrics?.server.close();
    await volume.close();
  }
}
