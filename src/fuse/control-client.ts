import { closeSync, openSync, readSync, realpathSync, writeSync } from 'node:fs';
import path from 'node:path';
import { FsError, isErrno, toFsError } from '../errors/index.js';
import { CONTROL_NAME, type CloneRequest, type ControlReply } from './control-protocol.js';
import { mountOf } from './mount-table.js';

/** A host path on a slicefs mount: the mount point and the path inside the volume. */
export interface MountedPath {
  mountpoint: string;
  volumePath: string;
}

/** Where a host path (which may not exist yet, but its parent must) is on a slicefs mount, if it is. */
export function slicefsPath(hostPath: string, syscall: string): MountedPath | undefined {
  const absolute = path.resolve(hostPath);
  let dir: string;
  try {
    dir = realpathSync(path.dirname(absolute));
  } catch (err) {
    throw toFsError(err, { syscall, path: hostPath });
  }
  const full = path.join(dir, path.basename(absolute));
  const mount = mountOf(dir);
  if (!mount || mount.fstype !== 'fuse.slicefs') return undefined;
  return { mountpoint: mount.mountpoint, volumePath: `/${path.relative(mount.mountpoint, full)}` };
}

/** The process's umask, read without changing it for long. */
function currentUmask(): number {
  const mask = process.umask(0o022);
  process.umask(mask);
  return mask;
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
  const request: CloneRequest = {
    op: 'clone', src: src.volumePath, dst: dst.volumePath, preserve: spec.preserve, consistent: spec.consistent,
    batchSize: spec.batchSize, umask: currentUmask(),
  };
  const fd = openSync(path.join(src.mountpoint, CONTROL_NAME), 'r+');
  // A mount that dies mid-clone fails the read (ENOTCONN, ECONNABORTED): report that, with the paths.
  const io = <T>(call: () => T): T => {
    try {
      return call();
    } catch (err) {
      throw toFsError(err, { syscall: 'clone', path: spec.src, dest: spec.dst });
    }
  };
  try {
    io(() => writeSync(fd, `${JSON.stringify(request)}\n`));
    const buffer = Buffer.alloc(64 * 1024);
    let pending = '';
    for (;;) {
      const n = io(() => readSync(fd, buffer, 0, buffer.length, null));
      if (n === 0) throw new FsError('EIO', { syscall: 'clone', path: spec.src, detail: 'the mount ended the answer early' });
      pending += buffer.subarray(0, n).toString();
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const reply = JSON.parse(pending.slice(0, end)) as ControlReply;
        pending = pending.slice(end + 1);
        if ('progress' in reply) onProgress?.(...reply.progress);
        else if ('done' in reply) return reply.entries;
        else {
          const code = isErrno(reply.error.code) ? reply.error.code : 'EIO';
          throw new FsError(code, { syscall: 'clone', path: spec.src, dest: spec.dst, detail: reply.error.detail });
        }
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
