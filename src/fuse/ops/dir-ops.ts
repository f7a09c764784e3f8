import { FsError, isFsError } from '../../errors/index.js';
import type { Attr, Caller, FileType, Ino } from '../../meta/types.js';
import { FILE_TYPE_BITS, ROOT_INO } from '../../meta/types.js';
import { encodeStruct, writeStruct } from '../abi/layout.js';
import { OPCODES } from '../abi/opcodes.js';
import { direntAlign, fuse_dirent, fuse_entry_out, fuse_fsync_in, fuse_open_in, fuse_open_out, fuse_read_in, fuse_release_in } from '../abi/structs.js';
import type { FuseContext } from '../context.js';
import type { DirEntry } from '../dir-handles.js';
import { writeEntryOut } from '../encode.js';
import { defineOp } from '../op.js';

/** At most this much listing per reply: the kernel may offer 1 MiB, which is many pages of entries to read ahead. */
const MAX_REPLY = 128 * 1024;

/** DT_* of <dirent.h>: the file type bits shifted down. */
const direntType = (type: FileType) => FILE_TYPE_BITS[type] >> 12;

/** Fills up to `size` bytes with entries from index `offset` of an open directory. */
async function listing(fs: FuseContext, request: { fh: number; offset: number; size: number; caller: Caller; plus: boolean }): Promise<Buffer> {
  const dir = fs.dirs.get(request.fh);
  if (!dir) throw new FsError('EBADF', { syscall: 'readdir', detail: `no open directory ${request.fh}` });
  const { plus } = request;
  const size = Math.min(request.size, MAX_REPLY);
  // The entries that fit, then a buffer of just their size: the kernel offers 4 KiB to 128 KiB
  // and a directory's page is usually a few hundred bytes (a fresh 128 KiB buffer per READDIRPLUS
  // cost more, in page faults and zeroing, than reading the page from the engine).
  const page: { index: number; entry: DirEntry; attr: Attr | undefined; at: number }[] = [];
  let used = 0;
  for (let index = request.offset; ; index++) {
    const entry = await dir.at(index, { vfs: fs.vfs, caller: request.caller, plus });
    if (!entry) break;
    if (dir.ino === ROOT_INO && fs.virtual.shadows(ROOT_INO, entry.name)) continue;
    const length = direntAlign((plus ? fuse_entry_out.size : 0) + fuse_dirent.size + entry.name.length);
    if (used + length > size) break;
    // `.` and `..` get node id 0: the kernel lists them without caching an entry.
    const attr = plus && index >= 2 ? (entry.attr ?? (await attrOrGone(fs, entry.ino as Ino))) : undefined;
    page.push({ index, entry, attr, at: used });
    used += length;
  }
  const out = Buffer.alloc(used);
  for (const { index, entry, attr, at: start } of page) {
    let at = start;
    if (plus) {
      if (attr) {
        writeEntryOut(out, at, { attr, timeouts: fs.kernel.timeouts });
        fs.kernel.sent(attr);
        // `ls -l` next asks each file for security.selinux and system.posix_acl_access.
        if (entry.xattrs === false) fs.xattrNames.none(attr.ino);
      }
      at += fuse_entry_out.size;
    }
    writeStruct(fuse_dirent, out, at, { ino: entry.ino, off: index + 1, namelen: entry.name.length, type: direntType(entry.type) });
    entry.name.copy(out, at + fuse_dirent.size);
  }
  return out;
}

/** Attributes of a listed entry, or undefined if it was removed since the listing was read. */
async function attrOrGone(fs: FuseContext, ino: Ino): Promise<Attr | undefined> {
  try {
    return await fs.vfs.getattr(ino);
  } catch (err) {
    if (isFsError(err, 'ENOENT')) return undefined;
    throw err;
  }
}

const readdirOp = (opcode: number, plus: boolean) =>
  defineOp({
    opcode,
    decode: (r) => r.struct(fuse_read_in),
    async handle({ body, reply, fs, caller }) {
      reply.ok(await listing(fs, { fh: body.fh, offset: body.offset, size: body.size, caller, plus }));
    },
    print: (b) => `fh=${b.fh} offset=${b.offset} size=${b.size}`,
  });

/** OPENDIR, READDIR, READDIRPLUS, RELEASEDIR, FSYNCDIR. */
export const dirOps = [
  defineOp({
    opcode: OPCODES.FUSE_OPENDIR,
    decode: (r) => r.struct(fuse_open_in),
    // Reads nothing: the kernel opens only directories (it checked the type and, with
    // default_permissions, the access), and the first READDIR reads the directory and names `..`.
    // One this mount removed (rmr through .control) may still have the kernel's entry for up to
    // the entry timeout: ENOENT, since a listing of a removed directory reads as empty (glibc
    // takes ENOENT from getdents as its end). One another client removed lists as empty within
    // that window, as a directory removed while open does.
    handle({ header, reply, fs }) {
      const ino = header.nodeid as Ino;
      if (fs.vfs.meta.removedRecently(ino)) throw new FsError('ENOENT', { syscall: 'opendir', ino });
      const fh = fs.dirs.add(ino);
      reply.ok(encodeStruct(fuse_open_out, { fh, open_flags: 0, padding: 0 }));
    },
    print: (b) => `flags=0${b.flags.toString(8)}`,
  }),
  readdirOp(OPCODES.FUSE_READDIR, false),
  readdirOp(OPCODES.FUSE_READDIRPLUS, true),
  defineOp({
    opcode: OPCODES.FUSE_RELEASEDIR,
    decode: (r) => r.struct(fuse_release_in),
    handle: ({ body, reply, fs }) => {
      fs.dirs.release(body.fh);
      reply.ok();
    },
    print: (b) => `fh=${b.fh}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_FSYNCDIR,
    decode: (r) => r.struct(fuse_fsync_in),
    // Every namespace change is already one committed transaction; fsync makes them durable.
    async handle({ header, reply, fs }) {
      await fs.vfs.syncDir(header.nodeid as Ino);
      reply.ok();
    },
    print: (b) => `fh=${b.fh}`,
  }),
];
