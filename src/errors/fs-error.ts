import { type Errno, errnoDescription, errnoNumber, isErrno } from './errno.js';

/** Where a failure happened: the operation and the path or inode it was about. */
export interface FsErrorContext {
  /** The operation, named like the syscall or command (`open`, `rename`, `clone`). */
  syscall?: string;
  /** The volume path the operation was about, if it had one. */
  path?: string;
  /** The second path of two-path operations (rename, link, clone). */
  dest?: string;
  /** The inode the operation was about, when there is no path. */
  ino?: number;
  /** Extra words after the errno text, e.g. why an argument was invalid. */
  detail?: string;
  /** The lower-level failure this one stands for. */
  cause?: unknown;
}

/**
 * The one error of the file system: a POSIX errno name plus where it happened.
 * Shaped like Node's own fs errors (`code`, `errno`, `syscall`, `path`, `dest`).
 */
export class FsError extends Error {
  readonly code: Errno;
  readonly errno: number;
  readonly syscall: string | undefined;
  readonly path: string | undefined;
  readonly dest: string | undefined;
  readonly ino: number | undefined;
  readonly detail: string | undefined;

  /**
   * Whether FsErrors capture stack frames, which costs 10–20 µs each. A process serving a mount
   * turns it off once it serves: it reports an FsError by its message, never its stack
   * (fuse/error-report.ts), and answers the kernel's LOOKUP before every create with ENOENT.
   */
  static stacks = true;

  constructor(code: Errno, context: FsErrorContext = {}) {
    const frames = Error.stackTraceLimit;
    if (!FsError.stacks) Error.stackTraceLimit = 0;
    super(FsError.format(code, context), context.cause === undefined ? undefined : { cause: context.cause });
    Error.stackTraceLimit = frames;
    this.name = 'Error'; // as Node's own fs errors: stacks and inspect show `Error: ENOENT: …`
    this.code = code;
    this.errno = -errnoNumber(code);
    this.syscall = context.syscall;
    this.path = context.path;
    this.dest = context.dest;
    this.ino = context.ino;
    this.detail = context.detail;
  }

  /** `ENOENT: No such file or directory, open '/a'` — Node's own format. */
  static format(code: Errno, c: FsErrorContext): string {
    let where = c.path !== undefined ? ` '${c.path}'` : c.ino !== undefined ? ` inode ${c.ino}` : '';
    if (c.dest !== undefined) where += ` -> '${c.dest}'`;
    const op = c.syscall ? `, ${c.syscall}${where}` : where;
    const detail = c.detail ? ` (${c.detail})` : '';
    return `${code}: ${errnoDescription(code)}${op}${detail}`;
  }

  /** The same error with a path/syscall filled in where it had none. */
  withContext(context: FsErrorContext): FsError {
    if (this.path !== undefined && this.syscall !== undefined) return this;
    return new FsError(this.code, {
      syscall: this.syscall ?? context.syscall,
      path: this.path ?? context.path,
      dest: this.dest ?? context.dest,
      ino: this.ino ?? context.ino,
      detail: this.detail ?? context.detail,
      cause: this,
    });
  }
}

/** Throws an FsError; handy in expressions. */
export function fail(code: Errno, context: FsErrorContext = {}): never {
  throw new FsError(code, context);
}

/** True for FsError, optionally of one code. */
export function isFsError(err: unknown, code?: Errno): err is FsError {
  return err instanceof FsError && (code === undefined || err.code === code);
}

/** Any thrown value as an FsError: errno-shaped errors keep their code; anything else is EIO. */
export function toFsError(err: unknown, context: FsErrorContext = {}): FsError {
  if (err instanceof FsError) return err.withContext(context);
  const code = (err as { code?: unknown } | null)?.code;
  if (isErrno(code)) return new FsError(code, { ...context, cause: err });
  return new FsError('EIO', { ...context, detail: context.detail ?? String((err as Error)?.message ?? err), cause: err });
}
