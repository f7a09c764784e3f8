import path from 'node:path';
import { FsError } from '../errors/index.js';
import type { Engine } from '../meta/engine.js';
import { spaceInfo, summarize } from '../meta/space/tree-usage.js';
import type { Caller } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { warmTree } from '../vfs/warmup.js';
import { serveRmr } from './control-rmr.js';
import { CONTROL_NAME, type CloneRequest, type ControlReply, type ControlRequest } from './control-protocol.js';

const PROGRESS_EVERY_MS = 100;

/** The volume a mount serves: its vfs, and its engine for the tree totals of info and summary. */
export interface MountedVolume {
  vfs: Vfs;
  engine: Engine;
  /** The mount's counters, when it keeps them (`slicefs stats`). */
  stats?: () => Record<string, unknown>;
}

/** What a request runs with: its caller (from the kernel), its cancel signal, and where progress goes. */
export interface ControlContext {
  caller: Caller;
  request: ControlRequest;
  signal: AbortSignal;
  say(reply: ControlReply): void;
}

/** The mount's own files are not in the volume: refuse to clone, inspect or replace them. */
function checkNotControl(volumePath: string, use: 'source' | 'destination' | 'path'): void {
  if (path.posix.resolve('/', volumePath) !== `/${CONTROL_NAME}`) return;
  if (use === 'destination') throw new FsError('EEXIST', { syscall: 'clone', path: volumePath, detail: "the mount's control file" });
  throw new FsError('EPERM', { syscall: use === 'source' ? 'clone' : 'info', path: volumePath, detail: 'internal files cannot be cloned or inspected' });
}

async function clone(vfs: Vfs, request: CloneRequest, ctx: ControlContext): Promise<ControlReply> {
  checkNotControl(request.src, 'source');
  checkNotControl(request.dst, 'destination');
  const caller = { ...ctx.caller, umask: request.umask ?? ctx.caller.umask };
  const meta = vfs.meta;
  const src = await meta.resolve(caller, request.src, false);
  const dst = path.posix.resolve('/', request.dst);
  if (dst === '/') throw new FsError('EEXIST', { syscall: 'clone', path: request.dst });
  const parent = await meta.resolve(caller, path.posix.dirname(dst), true);
  if (parent.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'clone', path: request.dst });
  const name = Buffer.from(path.posix.basename(dst));
  if (src.type === 'dir') await vfs.flushAll();
  else await vfs.flushInode(src.ino);
  let entries = 0;
  let last = 0;
  await meta.clone(caller, { src: src.ino, parent: parent.ino, name }, {
    preserve: request.preserve,
    consistent: request.consistent,
    batchSize: request.batchSize,
    signal: ctx.signal,
    onProgress: (done, total) => {
      entries = done;
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      ctx.say({ progress: [done, total] });
    },
  });
  return { done: true, entries };
}

/** `info` and `summary` of a volume path, as the SDK's `Volume.info`/`summary` answer them. */
async function inspect(volume: MountedVolume, request: Extract<ControlRequest, { op: 'info' | 'summary' }>, caller: Caller): Promise<ControlReply> {
  checkNotControl(request.path, 'path');
  const { vfs, engine } = volume;
  if (request.op === 'summary') return { done: true, result: { ...(await summarize(engine, await vfs.meta.resolve(caller, request.path, false))) } };
  await vfs.flushAll();
  const attr = await vfs.meta.resolve(caller, request.path, false);
  return { done: true, result: { ino: attr.ino, type: attr.type, ...(await spaceInfo(engine, attr)) } };
}

/** Carries out one checked `.control` request; returns its final answer line. */
export function serveControlRequest(volume: MountedVolume, ctx: ControlContext): Promise<ControlReply> {
  const { request } = ctx;
  if (request.op === 'stats') {
    if (!volume.stats) return Promise.reject(new FsError('ENOTSUP', { syscall: 'stats', detail: 'this mount keeps no counters' }));
    return Promise.resolve({ done: true, result: volume.stats() });
  }
  if (request.op === 'clone') return clone(volume.vfs, request, ctx);
  if (request.op === 'warmup') {
    checkNotControl(request.path, 'path');
    let last = 0;
    const onProgress = (done: number, total: number) => {
      if (done < total && Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      ctx.say({ progress: [done, total] });
    };
    return warmTree(volume.vfs, ctx.caller, request.path, { signal: ctx.signal, onProgress }).then((report) => ({ done: true, result: { ...report } }));
  }
  if (request.op === 'rmr') {
    checkNotControl(request.path, 'path');
    return serveRmr(volume.vfs, { caller: ctx.caller, request, signal: ctx.signal, say: ctx.say }).then((entries) => ({ done: true, entries }));
  }
  return inspect(volume, request, ctx.caller);
}
