import { OPCODES } from '../abi/opcodes.js';
import { encodeStruct } from '../abi/layout.js';
import { fuse_init_in, fuse_init_out, fuse_interrupt_in } from '../abi/structs.js';
import { defineOp } from '../op.js';

/** INIT, DESTROY and INTERRUPT: the session's own requests. */
export const sessionOps = [
  defineOp({
    opcode: OPCODES.FUSE_INIT,
    // Kernels before 7.36 send a 16-byte fuse_init_in.
    decode: (r) => r.struct(fuse_init_in, Math.min(r.body.length, fuse_init_in.size)),
    handle: ({ body, reply, fs }) => reply.ok(encodeStruct(fuse_init_out, fs.control.init(body))),
    print: (b) => `${b.major}.${b.minor} flags=0x${b.flags.toString(16)} max_readahead=${b.max_readahead}`,
  }),
  defineOp({
    opcode: OPCODES.FUSE_DESTROY,
    decode: () => ({}),
    handle: ({ reply, fs }) => {
      fs.control.destroy();
      reply.ok();
    },
    print: () => '',
  }),
  defineOp({
    opcode: OPCODES.FUSE_INTERRUPT,
    decode: (r) => r.struct(fuse_interrupt_in),
    // Found: the request is aborted and answers for itself. Not yet seen (another reader has it):
    // EAGAIN makes the kernel send the interrupt again.
    handle: ({ body, reply, fs }) => (fs.control.interrupt(body.unique) ? reply.none() : reply.error('EAGAIN')),
    print: (b) => `unique=${b.unique}`,
  }),
];
