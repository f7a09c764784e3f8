import path from 'node:path';
import { FsError } from '../errors/index.js';
import type { Caller } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import type { ControlReply, RmrRequest } from './control-protocol.js';

const MAX_PATH_BYTES = 4096;
const MAX_BATCH = 1_000_000;
const PROGRESS_EVERY_MS = 100;

/** Every field checked as the CLI checks it: EINVAL naming the field. */
function validate(request: RmrRequest): void {
  const bad = (detail: string) => new FsError('EINVAL', { syscall: 'rmr', detail });
  if (typeof request.path !== 'string' || !request.path.startsWith('/') || Buffer.byteLength(request.path) > MAX_PATH_BYTES || request.path.includes('\0')) {
    throw bad('path must be an absolute volume path of at most 4096 bytes');
  }
  const b = request.batchSize;
  if (b !== undefined && !(Number.isInteger(b) && b > 0 && b <= MAX_BATCH)) throw bad(`batchSize must be a whole number in 1..${MAX_BATCH}`);
  const known = new Set(['op', 'path', 'batchSize']);
  const extra = Object.keys(request).find((k) => !known.has(k));
  if (extra) throw bad(`unknown field ${extra}`);
}

/**
 * Serves an rmr request on a mount: buffered writes are flushed, then the tree is removed in
 * the engine with the requesting process's credentials. Closing `.control` early (the CLI
 * went away) stops it between batches; what was removed stays removed, the rest stays whole.
 */
export async function serveRmr(
  vfs: Vfs,
  spec: { caller: Caller; request: RmrRequest; signal: AbortSignal; say: (reply: ControlReply) => void },
): Promise<number> {
  const { caller, request } = spec;
  validate(request);
  const target = path.posix.resolve('/', request.path);
  if (target === '/') throw new FsError('EBUSY', { syscall: 'rmr', path: request.path, detail: 'the root of the volume' });
  const parent = await vfs.meta.resolve(caller, path.posix.dirname(target), true);
  if (parent.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'rmr', path: request.path });
  await vfs.flushAll();
  let last = 0;
  return vfs.meta.removeTree(caller, { parent: parent.ino, name: Buffer.from(path.posix.basename(target)) }, {
    batchSize: request.batchSize,
    signal: spec.signal,
    onProgress: (done, total) => {
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      spec.say({ progress: [done, total] });
    },
  });
}
