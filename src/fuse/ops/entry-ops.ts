import type { AttrChanges } from '../../meta/meta.js';
import { type Ino, ROOT_INO } from '../../meta/types.js';
import { FATTR } from '../abi/constants.js';
import { type DecodedOf, encodeStruct } from '../abi/layout.js';
import { OPCODES } from '../abi/opcodes.js';
import {
  fuse_access_in, fuse_batch_forget_in, fuse_forget_in, fuse_forget_one, fuse_getattr_in, fuse_setattr_in, fuse_statfs_out,
} from '../abi/structs.js';
import { defineOp, quote } from '../op.js';
import { inoOfNode } from '../context.js';

/** Block size and total capacity df shows: usage is logical and storage grows on demand. */
const STATFS_BLOCK = 4096;
const STATFS_TOTAL_BYTES = 2 ** 50; // 1 PiB
const STATFS_TOTAL_FILES = 2 ** 40;
const MAX_NAME = 255;

/** AttrChanges from fuse_setattr_in.valid and its fields. */
function attrChanges(b: DecodedOf<typeof fuse_setattr_in>): AttrChanges {
  const c: AttrChanges = {};
  if (b.valid & FATTR.FATTR_MODE) c.mode = b.mode & 0o7777;
  if (b.valid & FATTR.FATTR_UID) c.uid = b.uid;
  if (b.valid & FATTR.FATTR_GID) c.gid = b.gid;
  if (b.valid & FATTR.FATTR_SIZE) c.length = b.size;
  // ftruncate(2): the kernel passes the handle, whose open already allowed writing.
  if (b.valid & FATTR.FATTR_SIZE && b.valid & FATTR.FATTR_FH) c.viaHandle = true;
  // truncate by someone without CAP_FSETID (FUSE_HANDLE_KILLPRIV_V2: the kernel leaves it to us).
  if (b.valid & FATTR.FATTR_KILL_SUIDGID) c.dropPrivileges = true;
  if (b.valid & FATTR.FATTR_ATIME) c.atime = b.valid & FATTR.FATTR_ATIME_NOW ? 'now' : { sec: b.atime, nsec: b.atimensec };
  if (b.valid & FATTR.FATTR_MTIME) c.mtime = b.valid & FATTR.FATTR_MTIME_NOW ? 'now' : { sec: b.mtime, nsec: b.mtimensec };
  return c;
}

/** LOOKUP, FORGET, GETATTR, SETATTR, ACCESS, STATFS. */
export const entryOps = [
  defineOp({
    opcode: OPCODES.FUSE_LOOKUP,
    decode: (r) => ({ name: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      const virtual = fs.virtual.lookup(header.nodeid, body.name);
      reply.ok(fs.kernel.entry(virtual ? virtual.attr() : await fs.vfs.lookup(caller, header.nodeid as Ino, body.name)));
    },
    print: (b) => quote(b.name),
  }),
  defineOp({
    opcode: OPCODES.FUSE_FORGET,
    decode: (r) => r.struct(fuse_forget_in),
    // Inode numbers are the volume's own and never reused, so no lookup counts are kept: only
    // the record of what the kernel caches goes.
    handle: ({ header, reply, fs }) => {
      fs.kernel.forget(header.nodeid as Ino);
      reply.none();
    },
    print: (b) => `nlookup=${b.nlookup}`,
    noReply: true,
  }),
  defineOp({
    opcode: OPCODES.FUSE_BATCH_FORGET,
    decode: (r) => {
      const { count } = r.struct(fuse_batch_forget_in);
      return { nodes: Array.from({ length: count }, () => r.struct(fuse_forget_one).nodeid) };
    },
    handle: ({ body, reply, fs }) => {
      for (const node of body.nodes) fs.kernel.forget(inoOfNode(fs, node));
      reply.none();
    },
    print: (b) => `${b.nodes.length} nodes`,
    noReply: true,
  }),
  defineOp({
    opcode: OPCODES.FUSE_GETATTR,
    decode: (r) => r.struct(fuse_getattr_in),
    async handle({ header, reply, fs }) {
      const virtual = fs.virtual.get(header.nodeid);
      if (virtual) return reply.ok(fs.kernel.attr(virtual.attr()));
      // Mostly a directory whose attributes the kernel dropped after this mount created or
      // removed an entry in it: what that commit wrote answers, kept by the kernel only for
      // the rest of its timeout, so no answer is staler than the kernel's own cache may be.
      const { attr, ageMs } = await fs.vfs.getattrRecent(header.nodeid as Ino, fs.kernel.timeouts.attr * 1000);
      reply.ok(fs.kernel.attr(attr, ageMs));
    },
    print: (b) => `flags=${b.getattr_flags} fh=${b.fh}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_SETATTR,
    decode: (r) => r.struct(fuse_setattr_in),
    async handle({ header, body, reply, fs, caller }) {
      const virtual = fs.virtual.get(header.nodeid);
      if (virtual) return reply.ok(fs.kernel.attr(virtual.attr()));
      reply.ok(fs.kernel.attr(await fs.vfs.setattr(caller, header.nodeid as Ino, attrChanges(body))));
    },
    print: (b) => JSON.stringify(attrChanges(b)),
  }),
  defineOp({
    opcode: OPCODES.FUSE_ACCESS,
    decode: (r) => r.struct(fuse_access_in),
    async handle({ header, body, reply, fs, caller }) {
      if (!fs.virtual.get(header.nodeid)) await fs.vfs.access(caller, header.nodeid as Ino, body.mask);
      reply.ok();
    },
    print: (b) => `mask=${b.mask}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_STATFS,
    decode: () => ({}),
    async handle({ reply, fs }) {
      // A volume with limits (slicefs config --capacity/--inodes) shows them as its size; a
      // --subdir mount of a directory with a quota shows the quota's.
      const usage = await fs.vfs.meta.usage(fs.root === ROOT_INO ? {} : { dir: fs.root });
      const blocks = Math.floor((usage.capacity || STATFS_TOTAL_BYTES) / STATFS_BLOCK);
      const files = usage.inodeLimit || STATFS_TOTAL_FILES;
      const used = Math.ceil(usage.usedBytes / STATFS_BLOCK);
      const free = Math.max(0, blocks - used);
      const st = {
        blocks, bfree: free, bavail: free, files, ffree: Math.max(0, files - usage.inodes),
        bsize: STATFS_BLOCK, namelen: MAX_NAME, frsize: STATFS_BLOCK, padding: 0,
      };
      reply.ok(encodeStruct(fuse_statfs_out, { st }));
    },
    print: () => '',
  }),
];
