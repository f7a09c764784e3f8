import type { Caller } from '../meta/types.js';
import type { FuseContext } from './context.js';
import type { BodyReader, InHeader } from './decode.js';
import type { Reply } from './reply.js';

/** One request being handled: its header, typed body, caller, reply and the mount's state. */
export interface Call<B> {
  readonly header: InHeader;
  readonly body: B;
  readonly reply: Reply;
  readonly fs: FuseContext;
  /** uid/gid from the header; supplementary groups read on first use. */
  readonly caller: Caller;
  /** Aborted when the kernel sends INTERRUPT for this request. */
  readonly signal: AbortSignal;
}

/**
 * One opcode: how its body decodes into a typed request, how it is handled, and how it prints
 * in the access log. Handlers translate to the vfs and answer through `call.reply` exactly once;
 * what they throw is answered with its errno.
 */
export interface OpDefinition<B = unknown> {
  readonly opcode: number;
  decode(reader: BodyReader, header: InHeader): B;
  handle(call: Call<B>): Promise<void> | void;
  /** The request's arguments for the access log. */
  print(body: B): string;
  /** The kernel expects no answer (FORGET, BATCH_FORGET). */
  readonly noReply?: boolean;
}

/** Types one table entry (the table itself holds entries of unknown body type). */
export function defineOp<B>(def: OpDefinition<B>): OpDefinition<unknown> {
  return def as OpDefinition<unknown>;
}

/** How names print in the access log. */
export const quote = (name: Buffer) => JSON.stringify(name.toString());
