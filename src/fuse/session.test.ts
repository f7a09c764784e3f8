import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { describe, it } from 'node:test';
import { FsError } from '../errors/index.js';
import { type Attr, type Ino, ROOT_INO } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import { INIT_FLAGS } from './abi/constants.js';
import { encodeStruct, readStruct } from './abi/layout.js';
import { OPCODES } from './abi/opcodes.js';
import {
  fuse_attr_out, fuse_dirent, fuse_entry_out, fuse_getattr_in, fuse_getxattr_in, fuse_in_header, fuse_init_in, fuse_init_out, fuse_interrupt_in, fuse_lk_in, fuse_read_in, fuse_release_in,
} from './abi/structs.js';
import { DirHandles } from './dir-handles.js';
import { KernelCache } from './kernel-cache.js';
import { defineOp } from './op.js';
import { opTable } from './op-table.js';
import { Reply, type ReplyChannel } from './reply.js';
import { FuseSession } from './session.js';
import { type VirtualFile, VirtualFiles } from './virtual-files.js';
import { XattrNames } from './xattr-names.js';

const { ENOSYS, EIO, EINVAL, EINTR, EAGAIN, ENOENT, ENODATA } = constants.errno;
const t = { sec: 1, nsec: 0 };
const attrOf = (ino: number, type: Attr['type'] = 'file'): Attr =>
  ({ ino: ino as Ino, type, mode: 0o644, uid: 0, gid: 0, nlink: 1, length: 5, rdev: 0, atime: t, mtime: t, ctime: t, parent: 1 as Ino });

/** A session on a fake device: requests are built by hand, replies collected. */
function harness(options: { vfs?: Partial<Vfs>; virtual?: VirtualFile[]; extraOps?: ReturnType<typeof defineOp>[] } = {}) {
  const replies: Array<{ error: number; unique: number; payload: Buffer }> = [];
  const channel: ReplyChannel = {
    send(parts) {
      const msg = Buffer.concat(parts as Buffer[]);
      replies.push({ error: msg.readInt32LE(4), unique: Number(msg.readBigUInt64LE(8)), payload: msg.subarray(16) });
    },
  };
  const errors: string[] = [];
  const session = new FuseSession(
    { source: { maxRequest: 2 ** 20 + 2 ** 16, run: () => new Promise(() => undefined), close: () => undefined }, channel, table: opTable(options.extraOps) },
    { vfs: options.vfs as Vfs, dirs: new DirHandles(), virtual: new VirtualFiles(options.virtual), kernel: new KernelCache({ entry: 1, attr: 1 }, channel),
      xattrNames: new XattrNames(1), root: ROOT_INO },
    { errorLog: (l) => errors.push(l) },
  );
  let unique = 100;
  const send = (opcode: number, body: Buffer, nodeid = 1, uid = 0) => {
    const u = (unique += 2);
    const header = encodeStruct(fuse_in_header, { len: 40 + body.length, opcode, unique: u, nodeid, uid, gid: 0, pid: 0 });
    const buf = Buffer.concat([header, body]);
    return { unique: u, done: session.dispatch(buf, buf.length) };
  };
  const call = async (opcode: number, body: Buffer, nodeid = 1, uid = 0) => {
    const { unique: u, done } = send(opcode, body, nodeid, uid);
    await done;
    return replies.find((r) => r.unique === u);
  };
  return { session, replies, errors, send, call };
}

const name = (s: string) => Buffer.from(`${s}\0`);

describe('fuse session: decode → op table → reply once', () => {
  it('answers an opcode it does not implement with ENOSYS', async () => {
    const h = harness();
    assert.equal((await h.call(OPCODES.FUSE_BMAP, Buffer.alloc(16)))?.error, -ENOSYS);
    assert.equal((await h.call(4242, Buffer.alloc(0)))?.error, -ENOSYS);
  });

  it("GETXATTR: ls -l's security/system probes cost one name list per file; the capability probe and user.* go to the vfs", async () => {
    const calls: string[] = [];
    const vfs: Partial<Vfs> = {
      listxattr: async (_c, ino) => (calls.push(`list ${ino}`), ['user.a']),
      getxattr: async (_c, ino, n) => {
        calls.push(`get ${ino} ${n}`);
        if (n === 'user.a') return Buffer.from('v');
        throw new FsError('ENODATA', { syscall: 'getxattr', path: n });
      },
      setxattr: async (_c, ino, n) => void calls.push(`set ${ino} ${n}`),
      // A file the vfs knows has no capability xattr (just created here).
      knownAbsent: (ino, n) => ino === 7 && n === 'security.capability',
    };
    const h = harness({ vfs });
    const probe = async (n: string, ino = 5) => (await h.call(OPCODES.FUSE_GETXATTR, Buffer.concat([encodeStruct(fuse_getxattr_in, { size: 0, padding: 0 }), name(n)]), ino))?.error;
    assert.equal(await probe('security.capability', 6), -ENODATA);
    assert.deepEqual(calls.splice(0), ['get 6 security.capability'], 'the probe before a new file\'s first write lists nothing');
    assert.equal(await probe('security.capability', 7), -ENODATA);
    assert.deepEqual(calls, [], 'a file the vfs knows has none: answered at once');
    assert.equal(await probe('security.selinux'), -ENODATA);
    assert.equal(await probe('system.posix_acl_access'), -ENODATA);
    assert.equal(await probe('security.capability'), -ENODATA);
    assert.equal(await probe('user.a'), 0);
    assert.deepEqual(calls, ['list 5', 'get 5 security.capability', 'get 5 user.a'], 'one list answers both probes; the capability probe keeps the vfs shortcut');
    const setxattrIn = Buffer.alloc(8);
    setxattrIn.writeUInt32LE(1, 0); // size; flags 0 (the 8-byte compat struct)
    assert.equal((await h.call(OPCODES.FUSE_SETXATTR, Buffer.concat([setxattrIn, name('security.selinux'), Buffer.from('x')]), 5))?.error, 0);
    await probe('security.selinux');
    assert.deepEqual(calls.slice(3), ['set 5 security.selinux', 'list 5'], 'a setxattr here forgets the names');
  });

  it("GETATTR: attributes this mount's own commit wrote some time ago are kept by the kernel only for the rest of its timeout", async () => {
    const asked: number[] = [];
    const vfs: Partial<Vfs> = {
      getattrRecent: async (ino, maxAgeMs) => (asked.push(maxAgeMs), { attr: attrOf(ino, 'dir'), ageMs: ino === 7 ? 250 : 0 }),
    };
    const h = harness({ vfs });
    const validity = async (ino: number) => {
      const r = await h.call(OPCODES.FUSE_GETATTR, encodeStruct(fuse_getattr_in, { getattr_flags: 0, dummy: 0, fh: 0 }), ino);
      assert.equal(r?.error, 0);
      const out = readStruct(fuse_attr_out, r!.payload, 0);
      return { sec: Number(out.attr_valid), nsec: out.attr_valid_nsec, ino: Number(out.attr.ino) };
    };
    assert.deepEqual(await validity(7), { sec: 0, nsec: 750_000_000, ino: 7 });
    assert.deepEqual(await validity(8), { sec: 1, nsec: 0, ino: 8 });
    assert.deepEqual(asked, [1_000, 1_000], 'no staler than the attribute timeout');
  });

  it('answers EIO when a handler finishes without replying, and logs it', async () => {
    const silent = defineOp({ opcode: OPCODES.FUSE_BMAP, decode: () => ({}), handle: async () => undefined, print: () => '' });
    const h = harness({ extraOps: [silent] });
    assert.equal((await h.call(OPCODES.FUSE_BMAP, Buffer.alloc(0)))?.error, -EIO);
    assert.match(h.errors.join('\n'), /BMAP .*sent no reply/);
  });

  it('a reply goes out once: a second send throws', () => {
    const sent: Buffer[][] = [];
    const reply = new Reply({ send: (p) => void sent.push([...p]) }, 7);
    reply.ok();
    assert.throws(() => reply.error('EIO'), /answered twice/);
    assert.equal(sent.length, 1);
  });

  it('maps FsErrors to their errno, other failures to EIO, and a malformed body to EINVAL', async () => {
    const h = harness({ vfs: { lookup: async () => Promise.reject(new FsError('ENOENT')) } });
    assert.equal((await h.call(OPCODES.FUSE_LOOKUP, name('missing')))?.error, -ENOENT);
    assert.equal((await h.call(OPCODES.FUSE_LOOKUP, Buffer.from('no terminator')))?.error, -EINVAL);
    const broken = harness({ vfs: { lookup: async () => Promise.reject(new TypeError('bug')) } });
    assert.equal((await broken.call(OPCODES.FUSE_LOOKUP, name('x')))?.error, -EIO);
    assert.match(broken.errors.join('\n'), /TypeError: bug/);
  });

  it('logs every failure an application receives (EIO, an engine EAGAIN, ENOSPC) with errno, opcode and inode; not the answers (ENOENT, a lock conflict)', async () => {
    const failures: Record<string, FsError> = {
      a: new FsError('EAGAIN', { syscall: 'postgres', detail: 'the database system is starting up' }),
      b: new FsError('EIO', { syscall: 'redis', detail: 'connection lost' }),
      c: new FsError('ENOSPC', { syscall: 'create', path: '/full/c' }),
      d: new FsError('ENOENT', { syscall: 'lookup' }),
    };
    const setlk: Vfs['setlk'] = async () => Promise.reject(new FsError('EAGAIN', { syscall: 'fcntl', ino: 7 as Ino }));
    const h = harness({ vfs: { lookup: async (_c, _p, n) => Promise.reject(failures[n.toString()]), setlk } });
    for (const [n, ino] of [['a', 1], ['b', 5], ['c', 6], ['d', 1]] as const) await h.call(OPCODES.FUSE_LOOKUP, name(n), ino);
    assert.equal((await h.call(OPCODES.FUSE_SETLK, encodeStruct(fuse_lk_in, { fh: 1, owner: 9n, lk: { start: 0n, end: 10n, type: 1, pid: 5 } }), 7))?.error, -EAGAIN);
    assert.equal(h.errors.length, 3, h.errors.join('\n'));
    assert.match(h.errors[0]!, /^EAGAIN to pid 0: LOOKUP inode 1: EAGAIN: .*postgres.*starting up/);
    assert.match(h.errors[1]!, /^EIO to pid 0: LOOKUP inode 5: .*redis.*connection lost/);
    assert.match(h.errors[2]!, /^ENOSPC to pid 0: LOOKUP inode 6: .*'\/full\/c'/);
  });

  it('negotiates INIT: our minor, 1 MiB writes, 256 pages, only flags the kernel offers, never the writeback cache', async () => {
    const h = harness();
    const offered = INIT_FLAGS.FUSE_ASYNC_READ | INIT_FLAGS.FUSE_BIG_WRITES | INIT_FLAGS.FUSE_MAX_PAGES | INIT_FLAGS.FUSE_WRITEBACK_CACHE;
    const r = await h.call(OPCODES.FUSE_INIT, encodeStruct(fuse_init_in, { major: 7, minor: 45, max_readahead: 131072, flags: offered }));
    const out = readStruct(fuse_init_out, r!.payload);
    assert.deepEqual([out.major, out.minor, out.max_write, out.max_pages], [7, 38, 1024 * 1024, 256]);
    assert.equal(out.flags, INIT_FLAGS.FUSE_ASYNC_READ | INIT_FLAGS.FUSE_BIG_WRITES | INIT_FLAGS.FUSE_MAX_PAGES);
    await h.session.initialized;
  });

  it('sends no reply to FORGET', async () => {
    const h = harness();
    await h.call(OPCODES.FUSE_FORGET, Buffer.alloc(8), 5);
    assert.equal(h.replies.length, 0);
  });

  it('routes a virtual file in the root by name and by inode, not through the vfs', async () => {
    const control: VirtualFile = {
      name: '.control', ino: (2 ** 53 - 2) as Ino, attr: () => attrOf(2 ** 53 - 2),
      open: async () => 77, read: async (fh, { offset, size }) => Buffer.from(`fh=${fh} at=${offset} size=${size}`),
      write: async (_fh, _o, data) => data.length, release: async () => undefined,
    };
    const h = harness({ virtual: [control], vfs: { lookup: async (_c, parent) => attrOf(parent === 1 ? 10 : 11) } });
    const entry = readStruct(fuse_entry_out, (await h.call(OPCODES.FUSE_LOOKUP, name('.control')))!.payload);
    assert.equal(entry.nodeid, 2 ** 53 - 2);
    assert.equal(readStruct(fuse_entry_out, (await h.call(OPCODES.FUSE_LOOKUP, name('.control'), 3))!.payload).nodeid, 11, 'only in the root');
    const read = await h.call(OPCODES.FUSE_READ, encodeStruct(fuse_read_in, { fh: 77, offset: 3, size: 9 }), 2 ** 53 - 2);
    assert.equal(read!.payload.toString(), 'fh=77 at=3 size=9');
    assert.equal((await h.call(OPCODES.FUSE_UNLINK, name('.control')))?.error, -constants.errno.EPERM);
  });

  it('READDIR offsets index the listing kept in the handle: resuming anywhere lists each entry once; OPENDIR reads nothing', async () => {
    const names = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    // The vfs lists two names per page, resuming after a name cursor.
    const readdir: Vfs['readdir'] = async (_c, _ino, o = {}) => {
      const rest = names.filter((n) => !o.after || n > o.after.toString());
      const page = rest.slice(0, 2).map((n) => ({ name: Buffer.from(n), ino: (20 + names.indexOf(n)) as Ino, type: 'file' as const }));
      const parent = 3 as Ino;
      return rest.length > 2 ? { entries: page, next: page[1]!.name, parent } : { entries: page, parent };
    };
    // OPENDIR reads nothing: only whether this mount removed the directory a moment ago.
    const removed = new Set([6]);
    const meta = { removedRecently: (ino: Ino) => removed.has(ino), writeMark: () => ({ settled: 0, at: 0 }), writtenSince: () => true } as Partial<Vfs['meta']> as Vfs['meta'];
    const h = harness({ vfs: { readdir, meta } });
    assert.equal((await h.call(OPCODES.FUSE_OPENDIR, Buffer.alloc(8), 6))?.error, -constants.errno.ENOENT);
    const open = await h.call(OPCODES.FUSE_OPENDIR, Buffer.alloc(8), 5);
    const fh = Number(open!.payload.readBigUInt64LE(0));
    const seen: string[] = [];
    const inos: number[] = [];
    for (let offset = 0; ; ) {
      // Room for two entries per reply.
      const r = await h.call(OPCODES.FUSE_READDIR, encodeStruct(fuse_read_in, { fh, offset, size: 64 }), 5);
      if (!r!.payload.length) break;
      for (let at = 0; at < r!.payload.length; ) {
        const d = readStruct(fuse_dirent, r!.payload, at);
        seen.push(r!.payload.subarray(at + 24, at + 24 + d.namelen).toString());
        inos.push(d.ino);
        offset = d.off;
        at += (24 + d.namelen + 7) & ~7;
      }
    }
    assert.deepEqual(seen, ['.', '..', ...names]);
    assert.deepEqual(inos, [5, 3, 20, 21, 22, 23, 24], '`..` is the parent the first page names');
    const again = await h.call(OPCODES.FUSE_READDIR, encodeStruct(fuse_read_in, { fh, offset: 4, size: 4096 }), 5);
    assert.equal(readStruct(fuse_dirent, again!.payload).off, 5, 'seekdir to the 5th entry');
  });

  it("a new open of a directory starts from the listing the last one read, unless this client wrote the directory or a listed inode since, or another user lists", async () => {
    let reads = 0;
    let names = ['a', 'b'];
    const readdir: Vfs['readdir'] = async () => {
      reads++;
      return { entries: names.map((n, i) => ({ name: Buffer.from(n), ino: (20 + i) as Ino, type: 'file' as const, attr: attrOf(20 + i) })), parent: 1 as Ino };
    };
    // writtenSince: what this client wrote since a mark (one number per transaction that settled).
    let settled = 0;
    const written = new Map<number, number>();
    const meta = {
      removedRecently: () => false,
      writeMark: () => ({ settled, at: Date.now() }),
      writtenSince: (ino: Ino, mark: { settled: number }) => (written.get(ino) ?? -1) > mark.settled,
    } as Partial<Vfs['meta']> as Vfs['meta'];
    const write = (ino: number) => written.set(ino, ++settled);
    const h = harness({ vfs: { readdir, meta } });
    const list = async (opts: { uid?: number; opcode?: number; rewind?: boolean } = {}) => {
      const open = await h.call(OPCODES.FUSE_OPENDIR, Buffer.alloc(8), 5, opts.uid);
      const fh = Number(open!.payload.readBigUInt64LE(0));
      const read = async () => {
        const plus = opts.opcode === OPCODES.FUSE_READDIRPLUS;
        const r = await h.call(plus ? OPCODES.FUSE_READDIRPLUS : OPCODES.FUSE_READDIR, encodeStruct(fuse_read_in, { fh, offset: 0, size: 4096 }), 5, opts.uid);
        assert.equal(r!.error, 0);
        const seen: string[] = [];
        for (let at = plus ? fuse_entry_out.size : 0; at < r!.payload.length; ) {
          const d = readStruct(fuse_dirent, r!.payload, at);
          seen.push(r!.payload.subarray(at + 24, at + 24 + d.namelen).toString());
          at += ((24 + d.namelen + 7) & ~7) + (plus ? fuse_entry_out.size : 0);
        }
        return seen.slice(2);
      };
      let seen = await read();
      if (opts.rewind) seen = await read();
      await h.call(OPCODES.FUSE_RELEASEDIR, encodeStruct(fuse_release_in, { fh, flags: 0, release_flags: 0, lock_owner: 0n }), 5);
      return seen;
    };
    assert.deepEqual(await list(), ['a', 'b']);
    assert.equal(reads, 1);
    names = ['a', 'b', 'c']; // another client's change, within the second: the kernel's caches are as late
    assert.deepEqual(await list(), ['a', 'b'], 'the second open reads nothing');
    assert.equal(reads, 1);
    write(5); // this client changed the directory
    assert.deepEqual(await list(), ['a', 'b', 'c']);
    assert.equal(reads, 2);
    write(21); // … or a listed inode (its attributes are in READDIRPLUS replies)
    assert.deepEqual(await list(), ['a', 'b', 'c']);
    assert.equal(reads, 3);
    await list({ uid: 1000 });
    assert.equal(reads, 4, 'another user lists for itself');
    assert.deepEqual(await list({ opcode: OPCODES.FUSE_READDIRPLUS }), ['a', 'b', 'c']);
    assert.equal(reads, 5, 'a listing without attributes does not answer one with them');
    assert.deepEqual(await list({ opcode: OPCODES.FUSE_READDIRPLUS }), ['a', 'b', 'c']);
    assert.equal(reads, 5);
    await list({ opcode: OPCODES.FUSE_READDIRPLUS, rewind: true });
    assert.equal(reads, 6, 'rewinddir lists afresh');
  });

  it('INTERRUPT aborts a waiting SETLKW (EINTR); an interrupt for an unknown request asks the kernel to retry (EAGAIN)', async () => {
    const setlk: Vfs['setlk'] = (_ino, _req, o) =>
      new Promise((_resolve, reject) => o?.signal?.addEventListener('abort', () => reject(new FsError('EINTR'))));
    const h = harness({ vfs: { setlk } });
    const waiting = h.send(OPCODES.FUSE_SETLKW, encodeStruct(fuse_lk_in, { fh: 1, owner: 9n, lk: { start: 0n, end: 10n, type: 1, pid: 5 } }), 7);
    const interrupt = await h.call(OPCODES.FUSE_INTERRUPT, encodeStruct(fuse_interrupt_in, { unique: waiting.unique }));
    assert.equal(interrupt, undefined, 'a found request answers for itself');
    await waiting.done;
    assert.equal(h.replies.find((r) => r.unique === waiting.unique)?.error, -EINTR);
    assert.equal((await h.call(OPCODES.FUSE_INTERRUPT, encodeStruct(fuse_interrupt_in, { unique: 12345 })))?.error, -EAGAIN);
  });
});
