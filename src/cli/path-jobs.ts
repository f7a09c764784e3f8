import type { FsError } from '../errors/index.js';
import type { Progress } from './progress.js';

/** One command's work on each of its paths (rmr, warmup): a progress display, the work, a report. */
export interface PathJob<R> {
  bar(path: string): Progress;
  work(path: string, onProgress: (done: number, total?: number) => void): R | Promise<R>;
  report(path: string, result: R, seconds: number): void;
}

/** Runs `job` on each path in turn, in the order given; the first failure ends the command. */
export async function eachPath<R>(paths: readonly string[], job: PathJob<R>): Promise<void> {
  for (const path of paths) {
    const bar = job.bar(path);
    const started = Date.now();
    try {
      const result = await job.work(path, (done, total) => bar.update(done, total));
      bar.stop();
      job.report(path, result, (Date.now() - started) / 1000);
    } finally {
      bar.stop();
    }
  }
}

/**
 * Runs `fn` with a signal that Ctrl-C (SIGINT) or SIGTERM aborts; the command then fails with
 * `interrupted()` (an EINTR saying what stays done) rather than with whatever the abort caused.
 */
export async function interruptible<T>(interrupted: () => FsError, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(interrupted());
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } catch (err) {
    throw controller.signal.aborted && controller.signal.reason ? controller.signal.reason : err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
