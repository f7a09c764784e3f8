import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { FsError, isErrno, toFsError } from '../errors/index.js';
import { slicefsPath } from './control-client.js';
import { mountOf } from './mount-table.js';
import { FS_TYPE } from './mount.js';
import { CONTROL_NAME, type ControlReply } from './control-protocol.js';
import type { RmrRequest } from './control-protocol.js';

/**
 * Asks the mount a host path is on to remove it with everything below it (`slicefs rmr`)
 * through its `.control` file, relaying progress; returns the entries removed. EINVAL when
 * the path is not on a slicefs mount. Ending this process stops the removal between batches.
 */
export function rmrThroughMount(hostPath: string, options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {}): number {
  const mount = mountOf(path.resolve(hostPath));
  if (mount?.fstype === FS_TYPE && mount.mountpoint === path.resolve(hostPath)) {
    throw new FsError('EBUSY', { syscall: 'rmr', path: hostPath, detail: 'the root of the mount' });
  }
  const where = slicefsPath(hostPath, 'rmr');
  if (!where) throw new FsError('EINVAL', { syscall: 'rmr', path: hostPath, detail: 'not on a mounted slicefs volume; pass --meta META_URL' });
  if (where.volumePath === '/') throw new FsError('EBUSY', { syscall: 'rmr', path: hostPath, detail: 'the root of the mount' });
  const request: RmrRequest = { op: 'rmr', path: where.volumePath, batchSize: options.batchSize };
  const io = <T>(call: () => T): T => {
    try {
      return call();
    } catch (err) {
      throw toFsError(err, { syscall: 'rmr', path: hostPath });
    }
  };
  const fd = io(() => openSync(path.join(where.mountpoint, CONTROL_NAME), 'r+'));
  try {
    io(() => writeSync(fd, `${JSON.stringify(request)}\n`));
    const buffer = Buffer.alloc(64 * 1024);
    let pending = '';
    for (;;) {
      const n = io(() => readSync(fd, buffer, 0, buffer.length, null));
      if (n === 0) throw new FsError('EIO', { syscall: 'rmr', path: hostPath, detail: 'the mount ended the answer early' });
      pending += buffer.subarray(0, n).toString();
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const reply = JSON.parse(pending.slice(0, end)) as ControlReply;
        pending = pending.slice(end + 1);
        if ('progress' in reply) options.onProgress?.(...reply.progress);
        else if ('entries' in reply) return reply.entries;
        else if ('done' in reply) throw new FsError('EIO', { syscall: 'rmr', path: hostPath, detail: 'the mount answered with no count' });
        else throw new FsError(isErrno(reply.error.code) ? reply.error.code : 'EIO', { syscall: 'rmr', path: hostPath, detail: reply.error.detail });
      }
    }
  } finally {
    try {
      closeSync(fd);
    } catch {
      // the answer, or the error that ended it, is what matters
    }
  }
}
