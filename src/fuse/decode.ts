import { FsError } from '../errors/index.js';
import type { Decoded, DecodedOf, FieldSpec, StructLayout } from './abi/layout.js';
import { readStruct } from './abi/layout.js';
import { fuse_in_header } from './abi/structs.js';

/** The header every request starts with. */
export type InHeader = DecodedOf<typeof fuse_in_header>;

const HEADER_SIZE = fuse_in_header.size;
const TWO_32 = 2 ** 32;

/** Decodes the request header (hand-written: it runs once per request). */
export function decodeHeader(buf: Buffer): InHeader {
  return {
    len: buf.readUInt32LE(0),
    opcode: buf.readUInt32LE(4),
    unique: buf.readUInt32LE(12) * TWO_32 + buf.readUInt32LE(8),
    nodeid: buf.readUInt32LE(20) * TWO_32 + buf.readUInt32LE(16),
    uid: buf.readUInt32LE(24),
    gid: buf.readUInt32LE(28),
    pid: buf.readUInt32LE(32),
    total_extlen: buf.readUInt16LE(36),
    padding: 0,
  };
}

/**
 * A cursor over a request body: structs, NUL-terminated names and raw bytes in the order the
 * opcode defines. Running past the end is EINVAL (a malformed request, never a crash).
 */
export class BodyReader {
  private at = 0;

  constructor(readonly body: Buffer) {}

  /** The body of a request read into `buf` (`n` bytes): what follows the header, up to header.len. */
  static of(buf: Buffer, header: InHeader): BodyReader {
    return new BodyReader(buf.subarray(HEADER_SIZE, header.len - header.total_extlen * 8));
  }

  private need(n: number): void {
    if (this.at + n > this.body.length) throw new FsError('EINVAL', { syscall: 'fuse', detail: 'request body too short' });
  }

  /** The next struct; `size` reads an older, shorter version of it. */
  struct<S extends FieldSpec>(layout: StructLayout<S>, size = layout.size): Decoded<S> {
    this.need(size);
    const value = readStruct(layout, this.body, this.at, size);
    this.at += size;
    return value;
  }

  /** The next NUL-terminated name, copied (handlers may keep it after the request buffer is reused). */
  name(): Buffer {
    const end = this.body.indexOf(0, this.at);
    if (end < 0) throw new FsError('EINVAL', { syscall: 'fuse', detail: 'unterminated name' });
    const name = Buffer.from(this.body.subarray(this.at, end));
    this.at = end + 1;
    return name;
  }

  /** The next `n` bytes, not copied: valid only until the request is answered. */
  bytes(n: number): Buffer {
    this.need(n);
    const out = this.body.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
