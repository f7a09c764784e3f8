import { isFsError } from '../errors/index.js';
import { opcodeName } from './abi/opcodes.js';

/**
 * Errnos that answer a question about the request (the name is missing, the caller may not,
 * the directory is not empty…) rather than report a failure of the file system: an application
 * gets them from any file system, and a `ls` of a missing name must not fill the log. Every
 * other errno an application receives through the mount (EIO, EAGAIN, ENOSPC, EBUSY, ENOTCONN,
 * ECANCELED, …) gets a line: the errno, the opcode, the inode, the caller's pid and the message.
 */
const ANSWERS = new Set([
  'ENOENT', 'EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'ELOOP',
  'ENODATA', 'ERANGE', 'EXDEV', 'EINVAL', 'ENOSYS', 'ENOTSUP', 'EINTR', 'EMLINK', 'EFBIG', 'ESPIPE',
  'EOVERFLOW', 'E2BIG', 'ENXIO', 'EBADF', 'EROFS', 'EDEADLK',
]);
/** EAGAIN from a lock call is the answer "held by another owner" (F_SETLK, LOCK_NB), not a failure. */
const LOCK_CALLS = new Set(['fcntl', 'flock']);

/** How many lines a storm may write per window, and the window. */
export interface ErrorReportLimits {
  lines: number;
  windowMs: number;
}
const DEFAULT_LIMITS: ErrorReportLimits = { lines: 20, windowMs: 1000 };

/** What of a request the line names. */
export interface ReportedRequest {
  opcode: number;
  nodeid: number;
  pid: number;
}

/** True if an application receiving `err` should find it in the mount's log. */
export function isReported(err: unknown): boolean {
  if (!isFsError(err)) return true;
  if (err.code === 'EAGAIN') return !LOCK_CALLS.has(err.syscall ?? '');
  return !ANSWERS.has(err.code);
}

/**
 * The mount's log of errors its applications receive, rate-limited: at most `lines` lines per
 * window; past that, errors are counted by errno and one line per window says how many were
 * left out (written when the next window opens, or by a timer once the storm ends).
 */
export class ErrorReport {
  private windowStart = -Infinity;
  private written = 0;
  private readonly suppressed = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: (line: string) => void,
    private readonly limits: ErrorReportLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes one failed request; `err` is what its handler threw. */
  report(request: ReportedRequest, err: unknown): void {
    if (!isReported(err)) return;
    const t = this.now();
    if (t - this.windowStart >= this.limits.windowMs) {
      this.flush();
      this.windowStart = t;
      this.written = 0;
    }
    const code = isFsError(err) ? err.code : 'EIO';
    if (this.written >= this.limits.lines) {
      this.suppressed.set(code, (this.suppressed.get(code) ?? 0) + 1);
      this.timer ??= setTimeout(() => this.flush(), this.limits.windowMs).unref();
      return;
    }
    this.written++;
    const what = isFsError(err) ? err.message : ((err as Error)?.stack ?? String(err));
    this.log(`${code} to pid ${request.pid}: ${opcodeName(request.opcode)} inode ${request.nodeid}: ${what}`);
  }

  /** Writes the count of left-out errors, if any. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.suppressed.size) return;
    const counts = [...this.suppressed].map(([code, n]) => `${n} ${code}`).join(', ');
    const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
    this.suppressed.clear();
    this.log(`${total} more errors not logged (over ${this.limits.lines} lines per ${this.limits.windowMs} ms): ${counts}`);
  }
}
