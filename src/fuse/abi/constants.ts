// Flag and limit values of <linux/fuse.h>, by their C names (checked against the header in a test).

/** The protocol version this code implements; the header on the build machine is 7.38. */
export const FUSE_KERNEL_VERSION = 7;
export const FUSE_KERNEL_MINOR_VERSION = 38;
/** The node ID of the root inode. */
export const FUSE_ROOT_ID = 1;
/** Set in the unique of an INTERRUPT request's reply address. */
export const FUSE_INT_REQ_BIT = 1;

/** fuse_init_in/out.flags. */
export const INIT_FLAGS = {
  FUSE_ASYNC_READ: 1 << 0,
  FUSE_POSIX_LOCKS: 1 << 1,
  FUSE_ATOMIC_O_TRUNC: 1 << 3,
  FUSE_EXPORT_SUPPORT: 1 << 4,
  FUSE_BIG_WRITES: 1 << 5,
  FUSE_DONT_MASK: 1 << 6,
  FUSE_FLOCK_LOCKS: 1 << 10,
  FUSE_AUTO_INVAL_DATA: 1 << 12,
  FUSE_DO_READDIRPLUS: 1 << 13,
  FUSE_READDIRPLUS_AUTO: 1 << 14,
  FUSE_ASYNC_DIO: 1 << 15,
  FUSE_WRITEBACK_CACHE: 1 << 16,
  FUSE_PARALLEL_DIROPS: 1 << 18,
  FUSE_POSIX_ACL: 1 << 20,
  FUSE_MAX_PAGES: 1 << 22,
  FUSE_CACHE_SYMLINKS: 1 << 23,
  FUSE_HANDLE_KILLPRIV_V2: 1 << 28,
  FUSE_SETXATTR_EXT: 1 << 29,
  FUSE_INIT_EXT: 1 << 30,
} as const;

/** fuse_setattr_in.valid. */
export const FATTR = {
  FATTR_MODE: 1 << 0,
  FATTR_UID: 1 << 1,
  FATTR_GID: 1 << 2,
  FATTR_SIZE: 1 << 3,
  FATTR_ATIME: 1 << 4,
  FATTR_MTIME: 1 << 5,
  FATTR_FH: 1 << 6,
  FATTR_ATIME_NOW: 1 << 7,
  FATTR_MTIME_NOW: 1 << 8,
  FATTR_LOCKOWNER: 1 << 9,
  FATTR_CTIME: 1 << 10,
  FATTR_KILL_SUIDGID: 1 << 11,
} as const;

/** fuse_open_out.open_flags. */
export const FOPEN = {
  FOPEN_DIRECT_IO: 1 << 0,
  FOPEN_KEEP_CACHE: 1 << 1,
  FOPEN_NONSEEKABLE: 1 << 2,
  FOPEN_CACHE_DIR: 1 << 3,
} as const;

/** Request flags: release, getattr, lock, write, fsync. */
export const REQUEST_FLAGS = {
  FUSE_RELEASE_FLUSH: 1 << 0,
  FUSE_RELEASE_FLOCK_UNLOCK: 1 << 1,
  FUSE_GETATTR_FH: 1 << 0,
  FUSE_LK_FLOCK: 1 << 0,
  FUSE_WRITE_CACHE: 1 << 0,
  FUSE_WRITE_LOCKOWNER: 1 << 1,
  FUSE_WRITE_KILL_SUIDGID: 1 << 2,
  FUSE_FSYNC_FDATASYNC: 1 << 0,
} as const;

/** fuse_open_in/fuse_create_in.open_flags. */
export const OPEN_IN_FLAGS = {
  FUSE_OPEN_KILL_SUIDGID: 1 << 0,
} as const;

/** Unsolicited notifications (written with unique 0, the code in the error field). */
export const NOTIFY = {
  FUSE_NOTIFY_INVAL_INODE: 2,
  FUSE_NOTIFY_INVAL_ENTRY: 3,
} as const;

/** The smallest read buffer the kernel accepts. */
export const FUSE_MIN_READ_BUFFER = 8192;
