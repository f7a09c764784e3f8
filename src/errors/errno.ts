import { constants } from 'node:os';

/** The POSIX error names slicefs reports; each maps to the host's errno number. */
export type Errno =
  | 'EPERM' | 'ENOENT' | 'EIO' | 'EBADF' | 'EAGAIN' | 'ENOMEM' | 'EACCES' | 'EBUSY' | 'EEXIST'
  | 'EXDEV' | 'ENODEV' | 'ENOTDIR' | 'EISDIR' | 'EINVAL' | 'EFBIG' | 'ENOSPC' | 'ESPIPE' | 'EROFS'
  | 'EMLINK' | 'ERANGE' | 'ENAMETOOLONG' | 'ENOSYS' | 'ENOTEMPTY' | 'ELOOP' | 'ENODATA' | 'ENOTSUP'
  | 'EDQUOT' | 'EINTR' | 'ECANCELED' | 'EOVERFLOW' | 'E2BIG' | 'ENXIO' | 'EDEADLK' | 'ENOLCK'
  | 'ENOTCONN' | 'ECONNABORTED';

const descriptions: Record<Errno, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  ESPIPE: 'Illegal seek',
  EROFS: 'Read-only file system',
  EMLINK: 'Too many links',
  ERANGE: 'Numerical result out of range',
  ENAMETOOLONG: 'File name too long',
  ENOSYS: 'Function not implemented',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  ENODATA: 'No data available',
  ENOTSUP: 'Operation not supported',
  EDQUOT: 'Disk quota exceeded',
  EINTR: 'Interrupted system call',
  ECANCELED: 'Operation canceled',
  EOVERFLOW: 'Value too large for defined data type',
  E2BIG: 'Argument list too long',
  ENXIO: 'No such device or address',
  EDEADLK: 'Resource deadlock avoided',
  ENOLCK: 'No locks available',
  ENOTCONN: 'Transport endpoint is not connected',
  ECONNABORTED: 'Software caused connection abort',
};

/** The host's positive errno number for a name (what FUSE replies negate). */
export function errnoNumber(code: Errno): number {
  const n = (constants.errno as Record<string, number>)[code];
  return n ?? (constants.errno.EIO as number);
}

/** The strerror-like text for a name, as `ls` or `cp` would print it. */
export function errnoDescription(code: Errno): string {
  return descriptions[code];
}

/** True when a string is one of the errno names slicefs knows. */
export function isErrno(code: unknown): code is Errno {
  return typeof code === 'string' && Object.hasOwn(descriptions, code);
}
