import { FsError } from '../../errors/index.js';
import { CAPABILITY_XATTR } from '../../meta/ops/setattr.js';
import type { Ino } from '../../meta/types.js';
import { encodeStruct } from '../abi/layout.js';
import { OPCODES } from '../abi/opcodes.js';
import { FUSE_COMPAT_SETXATTR_IN_SIZE, fuse_getxattr_in, fuse_getxattr_out, fuse_setxattr_in } from '../abi/structs.js';
import type { Reply } from '../reply.js';
import { defineOp } from '../op.js';

/** The size-probe protocol of getxattr(2)/listxattr(2): size 0 asks for the length; too small is ERANGE. */
function sized(reply: Reply, value: Buffer, size: number): void {
  if (size === 0) return reply.ok(encodeStruct(fuse_getxattr_out, { size: value.length, padding: 0 }));
  if (value.length > size) throw new FsError('ERANGE', { syscall: 'getxattr' });
  reply.ok(value);
}

/** GETXATTR, LISTXATTR, SETXATTR, REMOVEXATTR. */
export const xattrOps = [
  defineOp({
    opcode: OPCODES.FUSE_GETXATTR,
    decode: (r) => ({ ...r.struct(fuse_getxattr_in), name: r.name().toString() }),
    async handle({ header, body, reply, fs, caller }) {
      const ino = header.nodeid as Ino;
      // An answer, not a failure: sent without building an error. The kernel's security.capability
      // probe comes before every write (the vfs knows a file just created or checked); ls -l asks
      // security.selinux and system.posix_acl_access of every file (the mount keeps xattr names).
      const absent = body.name === CAPABILITY_XATTR ? fs.vfs.knownAbsent(ino, body.name) : await fs.xattrNames.absent(fs.vfs, ino, body.name);
      if (absent) return reply.error('ENODATA');
      sized(reply, await fs.vfs.getxattr(caller, ino, body.name), body.size);
    },
    print: (b) => `${b.name} size=${b.size}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_LISTXATTR,
    decode: (r) => r.struct(fuse_getxattr_in),
    async handle({ header, body, reply, fs, caller }) {
      const names = await fs.vfs.listxattr(caller, header.nodeid as Ino);
      sized(reply, Buffer.from(names.map((n) => `${n}\0`).join('')), body.size);
    },
    print: (b) => `size=${b.size}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_SETXATTR,
    // Without FUSE_SETXATTR_EXT the kernel sends the 8-byte fuse_setxattr_in (size, flags).
    decode: (r) => {
      const s = r.struct(fuse_setxattr_in, FUSE_COMPAT_SETXATTR_IN_SIZE);
      const name = r.name().toString();
      return { ...s, name, value: Buffer.from(r.bytes(s.size)) };
    },
    async handle({ header, body, reply, fs, caller }) {
      fs.xattrNames.forget(header.nodeid as Ino);
      await fs.vfs.setxattr(caller, header.nodeid as Ino, body.name, body.value, body.flags);
      reply.ok();
    },
    print: (b) => `${b.name} size=${b.size} flags=${b.flags}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_REMOVEXATTR,
    decode: (r) => ({ name: r.name().toString() }),
    async handle({ header, body, reply, fs, caller }) {
      fs.xattrNames.forget(header.nodeid as Ino);
      await fs.vfs.removexattr(caller, header.nodeid as Ino, body.name);
      reply.ok();
    },
    print: (b) => b.name,
  }),
];
