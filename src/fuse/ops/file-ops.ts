import { constants } from 'node:os';
import { FsError, isFsError } from '../../errors/index.js';
import type { Ino } from '../../meta/types.js';
import { FOPEN, OPEN_IN_FLAGS, REQUEST_FLAGS } from '../abi/constants.js';
import { encodeStruct } from '../abi/layout.js';
import { OPCODES } from '../abi/opcodes.js';
import {
  fuse_copy_file_range_in, fuse_create_in, fuse_fallocate_in, fuse_flush_in, fuse_fsync_in, fuse_lseek_in, fuse_lseek_out,
  fuse_open_in, fuse_open_out, fuse_read_in, fuse_release_in, fuse_write_in, fuse_write_out,
} from '../abi/structs.js';
import { handleLockOwners, lockOwner } from '../lock-owner.js';
import { defineOp, quote } from '../op.js';

const SEEK_DATA = 3;
const SEEK_HOLE = 4;

const openOut = (fh: number, flags: number) => encodeStruct(fuse_open_out, { fh, open_flags: flags, padding: 0 });
/** An O_TRUNC open by someone without CAP_FSETID: the kernel leaves clearing setuid/setgid to us (FUSE_HANDLE_KILLPRIV_V2). */
const killsPrivileges = (openFlags: number) => (openFlags & OPEN_IN_FLAGS.FUSE_OPEN_KILL_SUIDGID) !== 0;

/** OPEN, CREATE, READ, WRITE, FLUSH, FSYNC, RELEASE, FALLOCATE, LSEEK, COPY_FILE_RANGE. */
export const fileOps = [
  defineOp({
    opcode: OPCODES.FUSE_OPEN,
    decode: (r) => r.struct(fuse_open_in),
    async handle({ header, body, reply, fs, caller }) {
      const virtual = fs.virtual.get(header.nodeid);
      if (virtual) return reply.ok(openOut(await virtual.open(caller, body.flags), FOPEN.FOPEN_DIRECT_IO));
      try {
        const { handle, attr } = await fs.vfs.open(caller, header.nodeid as Ino, body.flags, { dropPrivileges: killsPrivileges(body.open_flags) });
        reply.ok(openOut(handle.fh, fs.kernel.openFlags(attr)));
      } catch (err) {
        // The inode went away (removed by another client while the kernel cached its name):
        // ESTALE makes the kernel look the path up again.
        if (isFsError(err, 'ENOENT')) return reply.error(constants.errno.ESTALE);
        throw err;
      }
    },
    print: (b) => `flags=0${b.flags.toString(8)}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_CREATE,
    decode: (r) => ({ ...r.struct(fuse_create_in), name: r.name() }),
    async handle({ header, body, reply, fs, caller }) {
      if (fs.virtual.lookup(header.nodeid, body.name)) throw new FsError('EEXIST', { syscall: 'open', path: body.name.toString() });
      const { handle, attr } = await fs.vfs.create(caller, { parent: header.nodeid as Ino, name: body.name }, { mode: body.mode & 0o7777, flags: body.flags, dropPrivileges: killsPrivileges(body.open_flags) });
      reply.ok([fs.kernel.entry(attr), openOut(handle.fh, 0)]);
    },
    print: (b) => `${quote(b.name)} flags=0${b.flags.toString(8)} mode=0${b.mode.toString(8)}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_READ,
    decode: (r) => r.struct(fuse_read_in),
    async handle({ header, body, reply, fs, signal }) {
      const virtual = fs.virtual.get(header.nodeid);
      reply.ok(await (virtual ? virtual.read(body.fh, { offset: body.offset, size: body.size, signal }) : fs.vfs.read(body.fh, body.offset, body.size)));
    },
    print: (b) => `fh=${b.fh} offset=${b.offset} size=${b.size}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_WRITE,
    decode: (r) => {
      const w = r.struct(fuse_write_in);
      return { ...w, data: r.bytes(w.size) };
    },
    async handle({ header, body, reply, fs, caller }) {
      const virtual = fs.virtual.get(header.nodeid);
      // A write by someone without CAP_FSETID: the kernel leaves clearing setuid/setgid to us (FUSE_HANDLE_KILLPRIV_V2).
      if (!virtual && body.write_flags & REQUEST_FLAGS.FUSE_WRITE_KILL_SUIDGID && (await fs.vfs.dropPrivileges(caller, header.nodeid as Ino))) {
        fs.kernel.invalidateAttr(header.nodeid as Ino);
      }
      const size = virtual ? await virtual.write(body.fh, body.offset, body.data) : (await fs.vfs.write(body.fh, body.offset, body.data), body.size);
      reply.ok(encodeStruct(fuse_write_out, { size, padding: 0 }));
    },
    print: (b) => `fh=${b.fh} offset=${b.offset} size=${b.size}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_FLUSH,
    decode: (r) => r.struct(fuse_flush_in),
    // close(2): commit the writes (close-to-open), and drop the closing process's POSIX locks.
    async handle({ header, body, reply, fs }) {
      if (!fs.virtual.get(header.nodeid)) {
        await fs.vfs.flush(body.fh);
        await fs.vfs.releaseLocks(header.nodeid as Ino, { owner: lockOwner(body.lock_owner), kind: 'posix' });
      }
      reply.ok();
    },
    print: (b) => `fh=${b.fh}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_FSYNC,
    decode: (r) => r.struct(fuse_fsync_in),
    async handle({ header, body, reply, fs }) {
      // fsync and fdatasync alike: durable (DESIGN §4); the metadata commit is needed for the data either way.
      if (!fs.virtual.get(header.nodeid)) await fs.vfs.flush(body.fh, { durable: true });
      reply.ok();
    },
    print: (b) => `fh=${b.fh} datasync=${b.fsync_flags & REQUEST_FLAGS.FUSE_FSYNC_FDATASYNC}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_RELEASE,
    decode: (r) => r.struct(fuse_release_in),
    async handle({ header, body, reply, fs }) {
      const virtual = fs.virtual.get(header.nodeid);
      if (virtual) {
        await virtual.release(body.fh);
        return reply.ok();
      }
      try {
        if (body.release_flags & REQUEST_FLAGS.FUSE_RELEASE_FLOCK_UNLOCK) {
          await fs.vfs.releaseLocks(header.nodeid as Ino, { owner: lockOwner(body.lock_owner), kind: 'flock' });
        }
        // OFD locks (F_OFD_SETLK) belong to the open file and go with its last close (lock-owner.ts).
        for (const owner of handleLockOwners(fs).release(body.fh)) {
          await fs.vfs.releaseLocks(header.nodeid as Ino, { owner, kind: 'posix' });
        }
      } finally {
        await fs.vfs.release(body.fh);
      }
      reply.ok();
    },
    print: (b) => `fh=${b.fh} flags=${b.release_flags}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_FALLOCATE,
    decode: (r) => r.struct(fuse_fallocate_in),
    async handle({ body, reply, fs }) {
      await fs.vfs.fallocate(body.fh, { mode: body.mode, offset: body.offset, length: body.length });
      reply.ok();
    },
    print: (b) => `fh=${b.fh} mode=${b.mode} offset=${b.offset} length=${b.length}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_LSEEK,
    decode: (r) => r.struct(fuse_lseek_in),
    // The kernel handles SEEK_SET/CUR/END itself. Data and holes: the simplest correct answer,
    // the whole file is data (holes are allowed to be reported as data).
    async handle({ header, body, reply, fs }) {
      if (body.whence !== SEEK_DATA && body.whence !== SEEK_HOLE) throw new FsError('EINVAL', { syscall: 'lseek' });
      const { length } = await fs.vfs.getattr(header.nodeid as Ino);
      if (body.offset >= length) throw new FsError('ENXIO', { syscall: 'lseek', ino: header.nodeid });
      reply.ok(encodeStruct(fuse_lseek_out, { offset: body.whence === SEEK_DATA ? body.offset : length }));
    },
    print: (b) => `fh=${b.fh} offset=${b.offset} whence=${b.whence}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_COPY_FILE_RANGE,
    decode: (r) => r.struct(fuse_copy_file_range_in),
    // DESIGN §3.12: the ranges are shared as slice records (one more reference each), no bytes
    // move, at any offsets; the kernel drops its cached pages of the destination range itself.
    async handle({ body, reply, fs }) {
      const length = Math.min(body.len, Number.MAX_SAFE_INTEGER - body.off_out, Number.MAX_SAFE_INTEGER - body.off_in);
      const size = await fs.vfs.copyFileRange({ fhIn: body.fh_in, offIn: body.off_in, fhOut: body.fh_out, offOut: body.off_out, length });
      reply.ok(encodeStruct(fuse_write_out, { size, padding: 0 }));
    },
    print: (b) => `fh=${b.fh_in}@${b.off_in} -> ino=${b.nodeid_out} fh=${b.fh_out}@${b.off_out} len=${b.len}`,
  }),
];
