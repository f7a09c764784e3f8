import { FsError } from '../errors/index.js';

/** A request that ends with an HTTP error status (and optionally an RFC 4918 precondition element). */
export class DavError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A {DAV:} precondition or postcondition name for the <D:error> body (e.g. 'lock-token-submitted'). */
    readonly condition?: string,
  ) {
    super(message);
  }
}

const STATUS_OF: Partial<Record<string, number>> = {
  ENOENT: 404,
  ENOTDIR: 409,
  EACCES: 403,
  EPERM: 403,
  EROFS: 403,
  EEXIST: 405,
  EISDIR: 409,
  ENOTEMPTY: 409,
  EINVAL: 400,
  ENAMETOOLONG: 400,
  ENOSPC: 507,
  EDQUOT: 507,
  EXDEV: 502,
  ELOOP: 508,
  EFBIG: 413,
  E2BIG: 413,
  ERANGE: 400,
};

/** The HTTP status for an error: a DavError's own, a file system errno's equivalent, else 500. */
export function statusOf(err: unknown): number {
  if (err instanceof DavError) return err.status;
  if (err instanceof FsError) return STATUS_OF[err.code] ?? 500;
  return 500;
}
