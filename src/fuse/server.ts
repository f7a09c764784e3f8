import { FsError } from '../errors/index.js';
import { type Ino, ROOT_INO } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { DirHandles } from './dir-handles.js';
import type { Timeouts } from './encode.js';
import { KernelCache } from './kernel-cache.js';
import { abortConnection, mountDevice, mountEntry, setReadahead, unmount } from './mount.js';
import type { OpStats } from './op-stats.js';
import { opTable } from './op-table.js';
import { deviceChannel } from './reply.js';
import { eventLoopSource, type RequestSource, threadPoolSource } from './request-source.js';
import { FuseSession, MAX_WRITE } from './session.js';
import { type VirtualFile, VirtualFiles } from './virtual-files.js';
import { XattrNames } from './xattr-names.js';

/**
 * Cache lifetimes: short, because other clients change the volume behind the kernel's back.
 * One second bounds how long a stat here can miss another client's change; opens are exact
 * (KernelCache re-validates at OPEN), so close-to-open consistency does not depend on it.
 */
export const DEFAULT_TIMEOUTS: Timeouts = { entry: 1, attr: 1 };
/** Kernel read-ahead for the mount, so sequential reads arrive as 1 MiB requests. */
const READAHEAD_KIB = 1024;

/** How to serve a volume at a mount point. */
export interface ServeOptions {
  mountpoint: string;
  /** Shown as the source by `mount` and `df`. */
  source: string;
  readOnly?: boolean;
  /** Mount over a non-empty directory (otherwise ENOTEMPTY). */
  nonempty?: boolean;
  /**
   * How /dev/fuse is read: on the event loop (one thread hand-off per request) or by blocking
   * reads on the thread pool (two hand-offs). Default: the event loop when this Node offers it.
   */
  deviceReads?: 'event-loop' | 'thread-pool';
  /** Concurrent thread-pool reads (default 8). */
  readers?: number;
  /**
   * Event-loop reads: how long to keep reading the device after the last answer before sleeping,
   * while requests come back to back (default DEFAULT_BUSY_POLL_MICROS; 0: never).
   */
  busyPollMicros?: number;
  /**
   * Event-loop reads: also keep the event loop awake while requests wait (for up to ten poll
   * windows), for engines whose answers come in on sockets. Default false.
   */
  pollWhileWaiting?: boolean;
  timeouts?: Timeouts;
  /** Files the mount serves itself (`.control`). */
  virtualFiles?: readonly VirtualFile[];
  accessLog?: (line: string) => void;
  errorLog?: (line: string) => void;
  /** Per-opcode counts and latencies, when set (MountStats.ops). */
  stats?: OpStats;
  /** The directory served as the mount's root (`--subdir`); the volume's root by default. */
  root?: Ino;
}

/** A mounted volume: the kernel session over a vfs, until unmounted. */
export class FuseServer {
  private constructor(
    readonly mountpoint: string,
    /** Settles when the kernel ends the session (after unmount); rejects if the device failed. */
    readonly finished: Promise<void>,
    private readonly minor: number | undefined,
  ) {}

  /** Mounts `vfs` and resolves once the kernel's INIT is answered. */
  static async mount(vfs: Vfs, options: ServeOptions): Promise<FuseServer> {
    const fd = await mountDevice(options.mountpoint, { source: options.source, readOnly: options.readOnly, nonempty: options.nonempty });
    const errorLog = options.errorLog ?? (() => undefined);
    const channel = deviceChannel(fd, (err) => errorLog(`writing to /dev/fuse: ${err.message}`));
    const bufferSize = MAX_WRITE + 64 * 1024;
    const source: RequestSource =
      (options.deviceReads !== 'thread-pool' ? eventLoopSource(fd, { bufferSize, busyPollMicros: options.busyPollMicros, pollWhileWaiting: options.pollWhileWaiting }) : undefined) ??
      threadPoolSource(fd, { readers: options.readers ?? 8, bufferSize });
    const session = new FuseSession(
      { source, channel, table: opTable() },
      {
        vfs,
        dirs: new DirHandles(),
        virtual: new VirtualFiles(options.virtualFiles),
        kernel: new KernelCache(options.timeouts ?? DEFAULT_TIMEOUTS, channel),
        xattrNames: new XattrNames((options.timeouts ?? DEFAULT_TIMEOUTS).attr),
        root: options.root ?? ROOT_INO,
      },
      { accessLog: options.accessLog, errorLog, stats: options.stats },
    );
    const finished = session.run().finally(() => source.close());
    const ended = finished.then(() => {
      throw new FsError('EIO', { syscall: 'mount', path: options.mountpoint, detail: 'the kernel ended the session before INIT' });
    });
    try {
      await Promise.race([session.initialized, ended]);
    } catch (err) {
      await unmount(options.mountpoint, { lazy: true }).catch(() => undefined);
      throw err;
    }
    ended.catch(() => undefined);
    const minor = mountEntry(options.mountpoint)?.minor;
    if (minor !== undefined) setReadahead(minor, READAHEAD_KIB);
    return new FuseServer(options.mountpoint, finished, minor);
  }

  /** Unmounts (the kernel then ends the connection and the session); `lazy` detaches a busy mount. */
  async unmount(options: { lazy?: boolean } = {}): Promise<void> {
    await unmount(this.mountpoint, options);
  }

  /** Ends the kernel connection without waiting for users of the mount (the last resort). */
  abort(): boolean {
    return this.minor !== undefined && abortConnection(this.minor);
  }
}
