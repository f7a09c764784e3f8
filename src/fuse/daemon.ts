import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FsError } from '../errors/index.js';
import { canReadOnEventLoop } from './request-source.js';

/** The CLI entry, from src/fuse or dist/fuse alike. */
const BIN = fileURLToPath(new URL('../../bin/slicefs.js', import.meta.url));
/** Set in the environment of the process that serves a mount. */
export const MOUNT_PROCESS_ENV = 'SLICEFS_MOUNT_PROCESS';
/** Device reads and object-store file I/O share the libuv thread pool, whose size is read once at start-up. */
const THREAD_POOL_SIZE = '16';

/** True in the process started to serve a mount (its thread pool is sized for it). */
export const isMountProcess = () => process.env[MOUNT_PROCESS_ENV] === '1';

/** True when this process would read /dev/fuse on thread-pool threads without having sized the pool for it. */
export const needsThreadPoolReads = () =>
  !process.env.UV_THREADPOOL_SIZE && (process.env.SLICEFS_DEVICE_READS === 'thread-pool' || !canReadOnEventLoop());

function mountEnv(): NodeJS.ProcessEnv {
  return { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? THREAD_POOL_SIZE, [MOUNT_PROCESS_ENV]: '1' };
}

/**
 * Runs `slicefs <argv>` in a child process with the thread pool sized for a mount, in the
 * foreground: output is shared, SIGINT/SIGTERM/SIGHUP are passed on once (the child has its
 * own process group, so a terminal's Ctrl-C is not delivered twice). Resolves to its exit code.
 */
export function runMountProcess(argv: string[]): Promise<number> {
  const child = spawn(process.execPath, [BIN, ...argv], { stdio: 'inherit', env: mountEnv(), detached: true });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/**
 * Starts `slicefs <argv>` as a daemon (its own session, output to `logFile`) and resolves once
 * it reports the mount live; rejects with the end of its log if it exits first.
 */
export async function startMountDaemon(argv: string[], logFile: string): Promise<{ pid: number }> {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', out, out, 'ipc'], env: mountEnv(), detached: true });
  closeSync(out);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('message', () => resolve());
      child.once('exit', (code) => {
        const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
        reject(new FsError('EIO', { syscall: 'mount', detail: `the mount process exited (${code}) before the mount was live:\n${tail}` }));
      });
    });
  } finally {
    child.removeAllListeners();
    if (child.connected) child.disconnect();
    child.unref();
  }
  return { pid: child.pid! };
}

/** Tells the process that started this daemon that the mount is live, and lets it go. */
export function reportMountReady(): void {
  if (!process.send) return;
  process.send({ ready: true }, () => process.disconnect?.());
}
