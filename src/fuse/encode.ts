import type { Attr } from '../meta/types.js';
import { FILE_TYPE_BITS } from '../meta/types.js';
import type { DecodedOf } from './abi/layout.js';
import { writeStruct } from './abi/layout.js';
import { fuse_attr, fuse_attr_out, fuse_entry_out } from './abi/structs.js';

/** st_blksize we report: the largest write the kernel sends, so cp and dd pick 1 MiB buffers. */
export const BLOCK_SIZE_HINT = 1024 * 1024;

/** Attribute and entry cache lifetimes, in seconds. */
export interface Timeouts {
  entry: number;
  attr: number;
}

/** An inode's attributes as the kernel's struct fuse_attr. */
export function toFuseAttr(attr: Attr): DecodedOf<typeof fuse_attr> {
  const size = attr.type === 'file' || attr.type === 'symlink' ? attr.length : 0;
  return {
    ino: attr.ino,
    size,
    blocks: Math.ceil(size / 512),
    atime: attr.atime.sec,
    mtime: attr.mtime.sec,
    ctime: attr.ctime.sec,
    atimensec: attr.atime.nsec,
    mtimensec: attr.mtime.nsec,
    ctimensec: attr.ctime.nsec,
    mode: FILE_TYPE_BITS[attr.type] | (attr.mode & 0o7777),
    nlink: attr.nlink,
    uid: attr.uid,
    gid: attr.gid,
    rdev: attr.rdev,
    blksize: BLOCK_SIZE_HINT,
    flags: 0,
  };
}

const split = (seconds: number) => ({ sec: Math.floor(seconds), nsec: Math.min(999_999_999, Math.round((seconds % 1) * 1e9)) });

/** fuse_entry_out for a LOOKUP-like reply, written at `at` in `buf` (READDIRPLUS packs several). */
export function writeEntryOut(buf: Buffer, at: number, spec: { attr: Attr; timeouts: Timeouts }): void {
  const e = split(spec.timeouts.entry);
  const a = split(spec.timeouts.attr);
  writeStruct(fuse_entry_out, buf, at, {
    nodeid: spec.attr.ino,
    generation: 0,
    entry_valid: e.sec,
    attr_valid: a.sec,
    entry_valid_nsec: e.nsec,
    attr_valid_nsec: a.nsec,
    attr: toFuseAttr(spec.attr),
  });
}

/** A fuse_entry_out buffer. */
export function entryOut(attr: Attr, timeouts: Timeouts): Buffer {
  const buf = Buffer.allocUnsafe(fuse_entry_out.size);
  writeEntryOut(buf, 0, { attr, timeouts });
  return buf;
}

/** A fuse_attr_out buffer; attributes already `ageMs` old are valid for that much less. */
export function attrOut(attr: Attr, timeouts: Timeouts, ageMs = 0): Buffer {
  const a = split(Math.max(0, timeouts.attr - ageMs / 1000));
  const buf = Buffer.allocUnsafe(fuse_attr_out.size);
  writeStruct(fuse_attr_out, buf, 0, { attr_valid: a.sec, attr_valid_nsec: a.nsec, dummy: 0, attr: toFuseAttr(attr) });
  return buf;
}
