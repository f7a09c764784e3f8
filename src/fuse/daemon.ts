import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodedError, type Errno, FsError, toFsError } from '../errors/index.js';
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

/** What a daemon tells the process that started it: live, or the error it failed with. */
type DaemonReport = { ready: true } | { error: FailureReport };
type FailureReport =
  | { errno: Errno; syscall?: string; path?: string; dest?: string; detail?: string }
  | { code: string; message: string; subject?: string };

function toReport(err: unknown): FailureReport {
  if (err instanceof FsError) return { errno: err.code, syscall: err.syscall, path: err.path, dest: err.dest, detail: err.detail };
  if (err instanceof CodedError) return { code: err.code, message: err.message, subject: err.subject };
  return { errno: 'EIO', syscall: 'mount', detail: (err as Error)?.message ?? String(err) };
}

function fromReport(r: FailureReport): Error {
  if ('errno' in r) return new FsError(r.errno, { syscall: r.syscall, path: r.path, dest: r.dest, detail: r.detail });
  return new CodedError(r.code as ConstructorParameters<typeof CodedError>[0], r.message, { subject: r.subject });
}

/** The lines a log gained since it was `from` bytes long (this attempt's, not earlier mounts'). */
function linesSince(file: string, from: number): string[] {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.max(0, statSync(file).size - from));
    readSync(fd, buf, { position: from });
    return buf.toString('utf8').split('\n').filter(Boolean);
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts `slicefs <argv>` as a daemon (its own session, output to `logFile`) and resolves once
 * it reports the mount live. If it fails first, rejects with the error it reported (ENOENT,
 * EBUSY, ...), or, if it died without one, EIO with the lines it logged in this attempt.
 */
export async function startMountDaemon(argv: string[], logFile: string): Promise<{ pid: number }> {
  let out: number;
  try {
    mkdirSync(path.dirname(logFile), { recursive: true });
    out = openSync(logFile, 'a');
  } catch (err) {
    throw toFsError(err, { syscall: 'open', path: logFile, detail: 'the mount log; choose another with --log FILE' });
  }
  const logStart = statSync(logFile).size;
  const child = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', out, out, 'ipc'], env: mountEnv(), detached: true });
  closeSync(out);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('message', (m: DaemonReport) => ('error' in m ? reject(fromReport(m.error)) : resolve()));
      child.once('exit', (code, signal) => {
        const lines = linesSince(logFile, logStart).join('; ');
        const how = signal ? `was killed by ${signal}` : `exited (${code})`;
        reject(new FsError('EIO', { syscall: 'mount', detail: `the mount process ${how} before the mount was live${lines ? `: ${lines}` : ''}; log: ${logFile}` }));
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
  send({ ready: true });
}

/** Tells the process that started this daemon why the mount failed (before it was live), and lets it go. */
export function reportMountFailed(err: unknown): void {
  send({ error: toReport(err) });
}

function send(report: DaemonReport): void {
  if (!process.send || !process.connected) return;
  process.send(report, () => process.disconnect?.());
}
