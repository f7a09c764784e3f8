import { FsError } from '../../errors/index.js';
import type { LockRequest } from '../../meta/meta.js';
import type { Ino } from '../../meta/types.js';
import { REQUEST_FLAGS } from '../abi/constants.js';
import { type DecodedOf, encodeStruct } from '../abi/layout.js';
import { OPCODES } from '../abi/opcodes.js';
import { fuse_lk_in, fuse_lk_out } from '../abi/structs.js';
import { handleLockOwners, lockOwner } from '../lock-owner.js';
import { defineOp } from '../op.js';

const F_RDLCK = 0;
const F_WRLCK = 1;
const F_UNLCK = 2;
/** The kernel's "to the end of the file" (OFFSET_MAX). */
const OFFSET_MAX = 0x7fffffffffffffffn;
const TO_END = Number.MAX_SAFE_INTEGER;

type LkIn = DecodedOf<typeof fuse_lk_in>;

/** A kernel lock (inclusive end, OFFSET_MAX for "to the end") as the metadata's (exclusive end). */
function lockRequest(b: LkIn): LockRequest {
  const type = b.lk.type === F_RDLCK ? 'read' : b.lk.type === F_WRLCK ? 'write' : b.lk.type === F_UNLCK ? 'unlock' : undefined;
  if (!type || b.lk.start > b.lk.end) throw new FsError('EINVAL', { syscall: 'fcntl' });
  const end = b.lk.end >= BigInt(TO_END) ? TO_END : Number(b.lk.end) + 1;
  return {
    owner: lockOwner(b.owner), pid: b.lk.pid, kind: b.lk_flags & REQUEST_FLAGS.FUSE_LK_FLOCK ? 'flock' : 'posix',
    type, start: Number(b.lk.start), end,
  };
}

const setlkOp = (opcode: number, wait: boolean) =>
  defineOp({
    opcode,
    decode: (r) => r.struct(fuse_lk_in),
    async handle({ header, body, reply, fs, signal }) {
      const req = lockRequest(body);
      // Noted before the request: a lock granted while RELEASE races it is still dropped there.
      if (req.kind === 'posix' && req.type !== 'unlock') handleLockOwners(fs).note(body.fh, req.owner);
      await fs.vfs.setlk(header.nodeid as Ino, req, { wait, signal });
      reply.ok();
    },
    print: (b) => printLock(b),
  });

const printLock = (b: LkIn) => `owner=${lockOwner(b.owner)} type=${b.lk.type} ${b.lk.start}-${b.lk.end} pid=${b.lk.pid} flock=${b.lk_flags & 1}`;

/** GETLK, SETLK, SETLKW: POSIX record locks and flock, kept in the metadata engine across clients. */
export const lockOps = [
  defineOp({
    opcode: OPCODES.FUSE_GETLK,
    decode: (r) => r.struct(fuse_lk_in),
    async handle({ header, body, reply, fs }) {
      const req = lockRequest(body);
      if (req.type === 'unlock') throw new FsError('EINVAL', { syscall: 'fcntl' });
      const held = await fs.vfs.getlk(header.nodeid as Ino, { ...req, type: req.type });
      const lk = held
        ? {
            type: held.lock.type === 'write' ? F_WRLCK : F_RDLCK,
            start: BigInt(held.lock.start),
            end: held.lock.end >= TO_END ? OFFSET_MAX : BigInt(held.lock.end - 1),
            // A process of another client has no pid here.
            pid: held.ours ? held.lock.pid : 0,
          }
        : { type: F_UNLCK, start: 0n, end: 0n, pid: 0 };
      reply.ok(encodeStruct(fuse_lk_out, { lk }));
    },
    print: printLock,
  }),
  setlkOp(OPCODES.FUSE_SETLK, false),
  setlkOp(OPCODES.FUSE_SETLKW, true),
];
