import { homedir } from 'node:os';
import path from 'node:path';
import { CodedError, FsError } from '../../errors/index.js';
import { parseDuration, parseSize } from '../../sdk/sizes.js';
import type { CommandDefinition } from '../command.js';
import { loadSdk } from '../load-sdk.js';

/** Where a background mount logs by default. */
const defaultLog = (mountpoint: string) =>
  path.join(homedir(), '.slicefs', 'logs', `mount${mountpoint.replace(/[^A-Za-z0-9._-]+/g, '-')}.log`);

/** --session-ttl in ms: a duration of at least the engine's minimum (a usage error naming the flag otherwise). */
function sessionTtl(text: string, minMs: number): number {
  const ms = parseDuration(text, '--session-ttl');
  if (ms < minMs) {
    throw new CodedError('ERR_BAD_OPTION', `--session-ttl: '${text}' is below the minimum of ${minMs}ms`, { subject: '--session-ttl' });
  }
  return ms;
}

export const mount: CommandDefinition = {
  name: 'mount',
  args: '<META_URL> <MOUNTPOINT>',
  summary: 'mount a volume with FUSE (in the foreground until unmounted, or --background)',
  options: [
    { flags: '--background', description: 'run as a daemon; return once the mount is live', default: false },
    { flags: '--cache-size <SIZE>', description: 'block cache for reads', default: '256M' },
    { flags: '--cache-dir <DIR>', description: 'keep fetched and written blocks on local disk in DIR (several mounts may share it); see docs/operations.md' },
    { flags: '--cache-dir-size <SIZE>', description: 'with --cache-dir: bytes kept there (least recently used go first)', default: '10G' },
    { flags: '--read-only', description: 'mount read-only', default: false },
    { flags: '--subdir <PATH>', description: 'mount only this directory of the volume (a volume path); df shows its quota where it has one' },
    { flags: '--nonempty', description: 'mount over a directory that has entries (hidden while mounted; refused otherwise)', default: false },
    { flags: '--session-ttl <DURATION>', description: 'how long this mount may go silent (paused, partitioned) before other clients may take its locks and files; it is then fenced (docs/mount.md)', default: '60s' },
    { flags: '--metrics <ADDRESS>', description: 'serve Prometheus metrics at http://ADDRESS/metrics (HOST:PORT, :PORT or PORT; port 0 picks one)' },
    { flags: '--debug', description: 'log every request and its result (access log)', default: false },
    { flags: '--log <FILE>', description: 'with --background: the daemon log (default ~/.slicefs/logs/mount-<mountpoint>.log)' },
  ],
  examples: [
    'slicefs mount sqlite3://./data/slicefs.db ./mnt',
    'slicefs mount redis://127.0.0.1:6379/1 /mnt/vol --background --cache-size 1G',
    'slicefs mount sqlite3://./data/slicefs.db ./mnt --metrics 127.0.0.1:9567',
    'slicefs mount sqlite3://./data/slicefs.db ./mnt-a --subdir /projects/a',
    'slicefs mount redis://127.0.0.1:6379/1 /mnt/vol --background --cache-dir /var/cache/slicefs --cache-dir-size 50G',
    'slicefs umount /mnt/vol',
  ],
  async run([metaUrl, mountpoint], o, io) {
    const [{ MIN_SESSION_TTL_MS }, daemon, { parseMetricsAddress }, { checkMountpoint }, { serveVolume }] = await Promise.all([
      loadSdk(), import('../../fuse/daemon.js'), import('../../fuse/metrics-endpoint.js'), import('../../fuse/mount.js'), import('../../fuse/serve-volume.js'),
    ]);
    const { isMountProcess, needsThreadPoolReads, reportMountFailed, reportMountReady, runMountProcess, startMountDaemon } = daemon;
    const target = path.resolve(mountpoint!);
    const cacheSize = parseSize(o.cacheSize as string, '--cache-size');
    const sessionTtlMs = sessionTtl(String(o.sessionTtl), MIN_SESSION_TTL_MS);
    const cacheDir = o.cacheDir === undefined ? undefined : path.resolve(o.cacheDir as string);
    const cacheDirSize = parseSize(o.cacheDirSize as string, '--cache-dir-size');
    const metrics = o.metrics as string | undefined;
    if (metrics !== undefined) parseMetricsAddress(metrics); // a bad address fails here, not in the daemon
    const argv = ['mount', metaUrl!, target, '--cache-size', String(cacheSize), '--session-ttl', `${sessionTtlMs}ms`, ...(o.readOnly ? ['--read-only'] : []),
      ...(o.nonempty ? ['--nonempty'] : []), ...(o.subdir !== undefined ? ['--subdir', String(o.subdir)] : []), ...(o.debug ? ['--debug'] : []),
      ...(metrics !== undefined ? ['--metrics', metrics] : []), ...(cacheDir !== undefined ? ['--cache-dir', cacheDir, '--cache-dir-size', String(cacheDirSize)] : [])];
    if (o.background && !isMountProcess()) {
      checkMountpoint(target, { nonempty: Boolean(o.nonempty) }); // fails here, at once, rather than in the daemon
      const log = path.resolve((o.log as string | undefined) ?? defaultLog(target));
      const { pid } = await startMountDaemon(argv, log);
      io.out.write(`mounted ${metaUrl} at ${target} (pid ${pid}); logs: ${log}; unmount with: slicefs umount ${target}\n`);
      return 0;
    }
    // Without event-loop reads, device reads hold thread-pool threads, and the pool is sized
    // when the process starts: serve from a process started for it.
    if (!isMountProcess() && needsThreadPoolReads()) return runMountProcess(argv);
    let live = false;
    await serveVolume(metaUrl!, target, {
      readOnly: Boolean(o.readOnly),
      nonempty: Boolean(o.nonempty),
      subdir: o.subdir as string | undefined,
      cacheSize,
      cacheDir,
      cacheDirSize,
      sessionTtlMs,
      debug: Boolean(o.debug),
      metrics,
      log: (line) => io.err.write(`${line}\n`),
      onReady: ({ volume, metricsUrl }) => {
        if (metricsUrl) io.err.write(`slicefs: metrics at ${metricsUrl}\n`);
        io.err.write(`slicefs: mounted volume ${volume} at ${target} (pid ${process.pid})\n`);
        live = true;
        // From here this process serves the mount: it reports an FsError by its message, never
        // its stack, and answers ENOENT to the kernel's LOOKUP before every create.
        FsError.stacks = false;
        reportMountReady();
      },
    }).catch((err: unknown) => {
      if (!live) reportMountFailed(err);
      throw err;
    });
    io.err.write(`slicefs: unmounted ${target}\n`);
  },
};
