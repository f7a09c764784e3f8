import { array, struct } from './layout.js';

// The structs of <linux/fuse.h> (protocol 7.38) that slicefs reads or writes, field for field.

export const fuse_in_header = struct('fuse_in_header', {
  len: 'u32', opcode: 'u32', unique: 'u64', nodeid: 'u64', uid: 'u32', gid: 'u32', pid: 'u32', total_extlen: 'u16', padding: 'u16',
});
export const fuse_out_header = struct('fuse_out_header', { len: 'u32', error: 'i32', unique: 'u64' });

// Times are uint64_t in the header but carry the kernel's signed time64_t (before 1970 is
// negative): decoding them as unsigned numbers would lose the sign and precision.
export const fuse_attr = struct('fuse_attr', {
  ino: 'u64', size: 'u64', blocks: 'u64', atime: 'i64', mtime: 'i64', ctime: 'i64',
  atimensec: 'u32', mtimensec: 'u32', ctimensec: 'u32', mode: 'u32', nlink: 'u32', uid: 'u32', gid: 'u32', rdev: 'u32',
  blksize: 'u32', flags: 'u32',
});
export const fuse_kstatfs = struct('fuse_kstatfs', {
  blocks: 'u64', bfree: 'u64', bavail: 'u64', files: 'u64', ffree: 'u64', bsize: 'u32', namelen: 'u32', frsize: 'u32',
  padding: 'u32', spare: array(4, 6),
});
export const fuse_file_lock = struct('fuse_file_lock', { start: 'u64x', end: 'u64x', type: 'u32', pid: 'u32' });

export const fuse_entry_out = struct('fuse_entry_out', {
  nodeid: 'u64', generation: 'u64', entry_valid: 'u64', attr_valid: 'u64', entry_valid_nsec: 'u32', attr_valid_nsec: 'u32',
  attr: fuse_attr,
});
export const fuse_attr_out = struct('fuse_attr_out', { attr_valid: 'u64', attr_valid_nsec: 'u32', dummy: 'u32', attr: fuse_attr });
export const fuse_getattr_in = struct('fuse_getattr_in', { getattr_flags: 'u32', dummy: 'u32', fh: 'u64' });
export const fuse_forget_in = struct('fuse_forget_in', { nlookup: 'u64' });
export const fuse_forget_one = struct('fuse_forget_one', { nodeid: 'u64', nlookup: 'u64' });
export const fuse_batch_forget_in = struct('fuse_batch_forget_in', { count: 'u32', dummy: 'u32' });

export const fuse_setattr_in = struct('fuse_setattr_in', {
  valid: 'u32', padding: 'u32', fh: 'u64', size: 'u64', lock_owner: 'u64x', atime: 'i64', mtime: 'i64', ctime: 'i64',
  atimensec: 'u32', mtimensec: 'u32', ctimensec: 'u32', mode: 'u32', unused4: 'u32', uid: 'u32', gid: 'u32', unused5: 'u32',
});
export const fuse_mknod_in = struct('fuse_mknod_in', { mode: 'u32', rdev: 'u32', umask: 'u32', padding: 'u32' });
export const fuse_mkdir_in = struct('fuse_mkdir_in', { mode: 'u32', umask: 'u32' });
export const fuse_rename_in = struct('fuse_rename_in', { newdir: 'u64' });
export const fuse_rename2_in = struct('fuse_rename2_in', { newdir: 'u64', flags: 'u32', padding: 'u32' });
export const fuse_link_in = struct('fuse_link_in', { oldnodeid: 'u64' });
export const fuse_access_in = struct('fuse_access_in', { mask: 'u32', padding: 'u32' });

export const fuse_open_in = struct('fuse_open_in', { flags: 'u32', open_flags: 'u32' });
export const fuse_create_in = struct('fuse_create_in', { flags: 'u32', mode: 'u32', umask: 'u32', open_flags: 'u32' });
export const fuse_open_out = struct('fuse_open_out', { fh: 'u64', open_flags: 'u32', padding: 'u32' });
export const fuse_release_in = struct('fuse_release_in', { fh: 'u64', flags: 'u32', release_flags: 'u32', lock_owner: 'u64x' });
export const fuse_flush_in = struct('fuse_flush_in', { fh: 'u64', unused: 'u32', padding: 'u32', lock_owner: 'u64x' });
export const fuse_read_in = struct('fuse_read_in', {
  fh: 'u64', offset: 'u64', size: 'u32', read_flags: 'u32', lock_owner: 'u64x', flags: 'u32', padding: 'u32',
});
export const fuse_write_in = struct('fuse_write_in', {
  fh: 'u64', offset: 'u64', size: 'u32', write_flags: 'u32', lock_owner: 'u64x', flags: 'u32', padding: 'u32',
});
export const fuse_write_out = struct('fuse_write_out', { size: 'u32', padding: 'u32' });
export const fuse_fsync_in = struct('fuse_fsync_in', { fh: 'u64', fsync_flags: 'u32', padding: 'u32' });
export const fuse_statfs_out = struct('fuse_statfs_out', { st: fuse_kstatfs });

/** Without FUSE_SETXATTR_EXT the kernel sends only the first 8 bytes (FUSE_COMPAT_SETXATTR_IN_SIZE). */
export const fuse_setxattr_in = struct('fuse_setxattr_in', { size: 'u32', flags: 'u32', setxattr_flags: 'u32', padding: 'u32' });
export const FUSE_COMPAT_SETXATTR_IN_SIZE = 8;
export const fuse_getxattr_in = struct('fuse_getxattr_in', { size: 'u32', padding: 'u32' });
export const fuse_getxattr_out = struct('fuse_getxattr_out', { size: 'u32', padding: 'u32' });

export const fuse_lk_in = struct('fuse_lk_in', { fh: 'u64', owner: 'u64x', lk: fuse_file_lock, lk_flags: 'u32', padding: 'u32' });
export const fuse_lk_out = struct('fuse_lk_out', { lk: fuse_file_lock });

export const fuse_init_in = struct('fuse_init_in', {
  major: 'u32', minor: 'u32', max_readahead: 'u32', flags: 'u32', flags2: 'u32', unused: array(4, 11),
});
export const fuse_init_out = struct('fuse_init_out', {
  major: 'u32', minor: 'u32', max_readahead: 'u32', flags: 'u32', max_background: 'u16', congestion_threshold: 'u16',
  max_write: 'u32', time_gran: 'u32', max_pages: 'u16', map_alignment: 'u16', flags2: 'u32', unused: array(4, 7),
});
export const fuse_interrupt_in = struct('fuse_interrupt_in', { unique: 'u64' });

export const fuse_fallocate_in = struct('fuse_fallocate_in', { fh: 'u64', offset: 'u64', length: 'u64', mode: 'u32', padding: 'u32' });
export const fuse_lseek_in = struct('fuse_lseek_in', { fh: 'u64', offset: 'u64', whence: 'u32', padding: 'u32' });
export const fuse_lseek_out = struct('fuse_lseek_out', { offset: 'u64' });
export const fuse_copy_file_range_in = struct('fuse_copy_file_range_in', {
  fh_in: 'u64', off_in: 'u64', nodeid_out: 'u64', fh_out: 'u64', off_out: 'u64', len: 'u64', flags: 'u64',
});

/** A directory entry header; the name follows, and the record is padded to 8 bytes (FUSE_DIRENT_ALIGN). */
export const fuse_dirent = struct('fuse_dirent', { ino: 'u64', off: 'u64', namelen: 'u32', type: 'u32' });
/** READDIRPLUS: an entry_out, then a dirent, then the name. */
export const fuse_direntplus = struct('fuse_direntplus', { entry_out: fuse_entry_out, dirent: fuse_dirent });

export const fuse_notify_inval_inode_out = struct('fuse_notify_inval_inode_out', { ino: 'u64', off: 'i64', len: 'i64' });

/** Every struct above, for the header check. */
export const ALL_STRUCTS = [
  fuse_in_header, fuse_out_header, fuse_attr, fuse_kstatfs, fuse_file_lock, fuse_entry_out, fuse_attr_out, fuse_getattr_in,
  fuse_forget_in, fuse_forget_one, fuse_batch_forget_in, fuse_setattr_in, fuse_mknod_in, fuse_mkdir_in, fuse_rename_in,
  fuse_rename2_in, fuse_link_in, fuse_access_in, fuse_open_in, fuse_create_in, fuse_open_out, fuse_release_in, fuse_flush_in,
  fuse_read_in, fuse_write_in, fuse_write_out, fuse_fsync_in, fuse_statfs_out, fuse_setxattr_in, fuse_getxattr_in,
  fuse_getxattr_out, fuse_lk_in, fuse_lk_out, fuse_init_in, fuse_init_out, fuse_interrupt_in, fuse_fallocate_in,
  fuse_lseek_in, fuse_lseek_out, fuse_copy_file_range_in, fuse_dirent, fuse_direntplus, fuse_notify_inval_inode_out,
] as const;

/** Records in READDIR replies are aligned to 8 bytes (FUSE_REC_ALIGN). */
export const direntAlign = (n: number) => (n + 7) & ~7;
