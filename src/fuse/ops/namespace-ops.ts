import { FsError } from '../../errors/index.js';
import { RENAME_EXCHANGE, RENAME_NOREPLACE, type NodeSpec } from '../../meta/meta.js';
import { fileTypeOfMode, type Ino } from '../../meta/types.js';
import { OPCODES } from '../abi/opcodes.js';
import { fuse_link_in, fuse_mkdir_in, fuse_mknod_in, fuse_rename2_in, fuse_rename_in } from '../abi/structs.js';
import { type FuseContext, inoOfNode } from '../context.js';
import { defineOp, quote } from '../op.js';

/** Names of virtual files cannot be created, removed or renamed. */
function notVirtual(fs: FuseContext, parent: number, name: Buffer, syscall: string): void {
  if (fs.virtual.lookup(parent, name)) throw new FsError(syscall === 'unlink' || syscall === 'rename' ? 'EPERM' : 'EEXIST', { syscall, path: name.toString() });
}

const renameOp = (opcode: number, decode: (r: import('../decode.js').BodyReader) => { newdir: number; flags: number }) =>
  defineOp({
    opcode,
    decode: (r) => ({ ...decode(r), name: r.name(), newName: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      if (body.flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) throw new FsError('EINVAL', { syscall: 'rename', detail: `flags ${body.flags}` });
      notVirtual(fs, header.nodeid, body.name, 'rename');
      notVirtual(fs, body.newdir, body.newName, 'rename');
      await fs.vfs.rename(caller, {
        parent: header.nodeid as Ino, name: body.name, newParent: inoOfNode(fs, body.newdir), newName: body.newName, flags: body.flags,
      });
      reply.ok();
    },
    print: (b) => `${quote(b.name)} -> ${b.newdir}/${quote(b.newName)} flags=${b.flags}`,
  });

/** MKNOD, MKDIR, SYMLINK, LINK, READLINK, UNLINK, RMDIR, RENAME, RENAME2. */
export const namespaceOps = [
  defineOp({
    opcode: OPCODES.FUSE_MKNOD,
    decode: (r) => ({ ...r.struct(fuse_mknod_in), name: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      notVirtual(fs, header.nodeid, body.name, 'mknod');
      const type = fileTypeOfMode(body.mode);
      if (!type || type === 'dir' || type === 'symlink') throw new FsError('EINVAL', { syscall: 'mknod', path: body.name.toString() });
      const spec: NodeSpec = { type, mode: body.mode & 0o7777, rdev: body.rdev };
      reply.ok(fs.kernel.entry(await fs.vfs.mknod(caller, header.nodeid as Ino, body.name, spec)));
    },
    print: (b) => `${quote(b.name)} mode=0${b.mode.toString(8)} rdev=${b.rdev}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_MKDIR,
    decode: (r) => ({ ...r.struct(fuse_mkdir_in), name: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      notVirtual(fs, header.nodeid, body.name, 'mkdir');
      reply.ok(fs.kernel.entry(await fs.vfs.mkdir(caller, header.nodeid as Ino, body.name, body.mode & 0o7777)));
    },
    print: (b) => `${quote(b.name)} mode=0${b.mode.toString(8)}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_SYMLINK,
    // The new entry's name first, then the target.
    decode: (r) => ({ name: r.name(), target: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      notVirtual(fs, header.nodeid, body.name, 'symlink');
      reply.ok(fs.kernel.entry(await fs.vfs.symlink(caller, header.nodeid as Ino, body.name, body.target)));
    },
    print: (b) => `${quote(b.name)} -> ${quote(b.target)}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_LINK,
    decode: (r) => ({ ...r.struct(fuse_link_in), name: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      notVirtual(fs, header.nodeid, body.name, 'link');
      if (fs.virtual.get(body.oldnodeid)) throw new FsError('EPERM', { syscall: 'link' });
      reply.ok(fs.kernel.entry(await fs.vfs.link(caller, body.oldnodeid as Ino, header.nodeid as Ino, body.name)));
    },
    print: (b) => `ino=${b.oldnodeid} as ${quote(b.name)}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_READLINK,
    decode: () => ({}),
    async handle({ header, reply, fs }) {
      reply.ok(await fs.vfs.readlink(header.nodeid as Ino));
    },
    print: () => '',
  }),
  defineOp({
    opcode: OPCODES.FUSE_UNLINK,
    decode: (r) => ({ name: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      notVirtual(fs, header.nodeid, body.name, 'unlink');
      await fs.vfs.unlink(caller, header.nodeid as Ino, body.name);
      reply.ok();
    },
    print: (b) => quote(b.name),
  }),
  defineOp({
    opcode: OPCODES.FUSE_RMDIR,
    decode: (r) => ({ name: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      await fs.vfs.rmdir(caller, header.nodeid as Ino, body.name);
      reply.ok();
    },
    print: (b) => quote(b.name),
  }),
  renameOp(OPCODES.FUSE_RENAME, (r) => ({ newdir: r.struct(fuse_rename_in).newdir, flags: 0 })),
  renameOp(OPCODES.FUSE_RENAME2, (r) => r.struct(fuse_rename2_in)),
];
