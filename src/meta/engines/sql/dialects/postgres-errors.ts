import { type Errno, FsError } from '../../../../errors/index.js';

/** SQLSTATEs after which the whole transaction runs again: serialization failure, deadlock, unique violation. */
export const RETRYABLE = new Set(['40001', '40P01', '55P03', '23505']);

/** SQLSTATE → errno; class 28 (authorization) is EACCES; anything else, socket errors included, is EIO. */
const ERRNO_OF: Record<string, Errno> = {
  '40001': 'EAGAIN', '40P01': 'EAGAIN', '55P03': 'EAGAIN', '53300': 'EAGAIN', '57P03': 'EAGAIN',
  '23505': 'EEXIST', '53100': 'ENOSPC', '53200': 'ENOMEM', '25006': 'EROFS', '42501': 'EACCES', '57014': 'EINTR',
  '22003': 'EOVERFLOW', '54000': 'E2BIG',
};

/** SQLSTATE classes: digit-led, or F0, HV, P0, XX (so errno names like EPIPE never pass for one). */
const SQLSTATE = /^(?:[0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/** The SQLSTATE of a driver error, also when wrapped in an FsError's cause. */
export function sqlState(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && SQLSTATE.test(e.code)) return e.code;
  }
  return undefined;
}

/** One driver error as an FsError: the one mapping at this boundary (connection failures are EIO). */
export function postgresError(err: unknown): FsError {
  if (err instanceof FsError) return err;
  const code = sqlState(err);
  const errno = (code ? ERRNO_OF[code] : undefined) ?? (code?.startsWith('28') ? 'EACCES' : 'EIO');
  return new FsError(errno, { syscall: 'postgres', detail: `${code ?? 'connection'}: ${(err as Error)?.message ?? err}`, cause: err });
}

