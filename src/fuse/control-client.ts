import { closeSync, openSync, readSync, realpathSync, writeSync } from 'node:fs';
import path from 'node:path';
import { FsError, type FsErrorContext, isErrno, toFsError } from '../errors/index.js';
import { CONTROL_NAME, type ControlReply, type ControlRequest } from './control-protocol.js';
import { mountOf } from './mount-table.js';
import type { MountStatsSnapshot } from './mount-stats.js';

/** A host path on a slicefs mount: the mount point and the path inside the volume. */
export interface MountedPath {
  mountpoint: string;
  volumePath: string;
}

/**
 * Where a host path (which may not exist yet, but its parent must) is on a slicefs mount, if it
 * is. The last component is not followed (as `lstat`), and a mount point itself is the root of
 * its volume.
 */
export function slicefsPath(hostPath: string, syscall: string): MountedPath | undefined {
  const absolute = path.resolve(hostPath);
  let dir: string;
  try {
    dir = realpathSync(path.dirname(absolute));
  } catch (err) {
    throw toFsError(err, { syscall, path: hostPath });
  }
  const full = absolute === '/' ? '/' : path.join(dir, path.basename(absolute));
  const mount = mountOf(full);
  if (!mount || mount.fstype !== 'fuse.slicefs') return undefined;
  return { mountpoint: mount.mountpoint, volumePath: `/${path.relative(mount.mountpoint, full)}` };
}

/** The process's umask, read without changing it for long. */
function currentUmask(): number {
  const mask = process.umask(0o022);
  process.umask(mask);
  return mask;
}

/** Errors of a mount that went away while we talked to it: what happened, in the user's words. */
const MOUNT_GONE = new Set(['ENOTCONN', 'ECONNABORTED', 'ENODEV']);

/**
 * Sends one request to the mount's `.control` file and reads the answer: progress lines go to
 * `onProgress`, the final line is returned (an error line is thrown as its FsError). Failures
 * name `where` (the paths the user gave), never the control file.
 */
function askMount(
  mountpoint: string,
  exchange: { request: ControlRequest; where: FsErrorContext; onProgress?: (done: number, total: number) => void },
): Extract<ControlReply, { done: true }> {
  const { where } = exchange;
  const io = <T>(call: () => T): T => {
    for (;;) {
      try {
        return call();
      } catch (err) {
        const code = (err as { code?: string }).code;
        // A signal interrupted a read (the mount answers EINTR and keeps the answer): read again.
        if (code === 'EINTR') continue;
        const detail = code === 'EROFS' ? `${mountpoint} is mounted read-only`
          : code && MOUNT_GONE.has(code) ? `the mount process of ${mountpoint} went away before answering; run 'slicefs umount ${mountpoint} --force' and mount again`
          : undefined;
        throw toFsError(err, { ...where, detail });
      }
    }
  };
  const fd = io(() => openSync(path.join(mountpoint, CONTROL_NAME), 'r+'));
  try {
    io(() => writeSync(fd, `${JSON.stringify(exchange.request)}\n`));
    const buffer = Buffer.alloc(64 * 1024);
    let pending = '';
    for (;;) {
      const n = io(() => readSync(fd, buffer, 0, buffer.length, null));
      if (n === 0) throw new FsError('EIO', { ...where, detail: 'the mount ended the answer early' });
      pending += buffer.subarray(0, n).toString();
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const reply = JSON.parse(pending.slice(0, end)) as ControlReply;
        pending = pending.slice(end + 1);
        if ('progress' in reply) exchange.onProgress?.(...reply.progress);
        else if ('done' in reply) return reply;
        else throw new FsError(isErrno(reply.error.code) ? reply.error.code : 'EIO', { ...where, detail: reply.error.detail });
      }
    }
  } finally {
    try {
      closeSync(fd);
    } catch {
      // The answer, or the error that ended it, is what matters; a dead mount fails the close too.
    }
  }
}

/**
 * Asks the mount process to clone SRC to DST (both host paths on one slicefs mount) through its
 * `.control` file, and relays its progress. EXDEV when they are on different mounts. Closing
 * the file (the process ending) before the answer cancels the clone in the mount.
 */
export function cloneThroughMount(
  spec: { src: string; dst: string; preserve?: boolean; consistent?: boolean; batchSize?: number },
  onProgress?: (done: number, total: number) => void,
): number {
  const src = slicefsPath(spec.src, 'clone');
  if (!src) throw new FsError('EINVAL', { syscall: 'clone', path: spec.src, detail: 'not on a mounted slicefs volume; pass --meta META_URL' });
  // A DST ending in '/' means DST/<basename of SRC>, as for `vol.clone`.
  const dstPath = spec.dst.endsWith('/') ? path.join(spec.dst, path.basename(path.resolve(spec.src))) : spec.dst;
  const dst = slicefsPath(dstPath, 'clone');
  if (!dst || dst.mountpoint !== src.mountpoint) {
    throw new FsError('EXDEV', { syscall: 'clone', path: spec.src, dest: spec.dst, detail: 'source and destination are on different volumes or mounts' });
  }
  const request: ControlRequest = {
    op: 'clone', src: src.volumePath, dst: dst.volumePath, preserve: spec.preserve, consistent: spec.consistent,
    batchSize: spec.batchSize, umask: currentUmask(),
  };
  const reply = askMount(src.mountpoint, { request, where: { syscall: 'clone', path: spec.src, dest: spec.dst }, onProgress });
  return 'entries' in reply ? reply.entries : 0;
}

/**
 * `info` or `summary` of a host path on a slicefs mount, answered by the mount process as the
 * calling user; undefined when the path is not on a mount.
 */
export function inspectThroughMount(op: 'info' | 'summary', hostPath: string): Record<string, unknown> | undefined {
  const at = slicefsPath(hostPath, op);
  if (!at) return undefined;
  const reply = askMount(at.mountpoint, { request: { op, path: at.volumePath }, where: { syscall: op, path: hostPath } });
  return 'result' in reply ? reply.result : {};
}

/**
 * The counters of the mount `hostPath` is on (any path on it), read through its `.control`
 * file; EINVAL when the path is not on a slicefs mount.
 */
export function statsOfMount(hostPath: string): MountStatsSnapshot {
  const at = slicefsPath(hostPath, 'stats');
  if (!at) throw new FsError('EINVAL', { syscall: 'stats', path: hostPath, detail: 'not on a mounted slicefs volume' });
  const reply = askMount(at.mountpoint, { request: { op: 'stats' }, where: { syscall: 'stats', path: hostPath } });
  return ('result' in reply ? reply.result : {}) as unknown as MountStatsSnapshot;
}

/**
 * Asks the mount a host path is on to fetch the blocks of every file below it into the mount's
 * disk cache (`slicefs warmup`), relaying progress in bytes; EINVAL when the path is not on a
 * slicefs mount. Ending this process stops the warmup in the mount.
 */
export function warmupThroughMount(hostPath: string, onProgress?: (done: number, total: number) => void): Record<string, unknown> {
  const at = slicefsPath(hostPath, 'warmup');
  if (!at) throw new FsError('EINVAL', { syscall: 'warmup', path: hostPath, detail: 'not on a mounted slicefs volume; pass --meta META_URL --cache-dir DIR' });
  const reply = askMount(at.mountpoint, { request: { op: 'warmup', path: at.volumePath }, where: { syscall: 'warmup', path: hostPath }, onProgress });
  return 'result' in reply ? reply.result : {};
}
