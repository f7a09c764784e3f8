import { FsError } from '../../../errors/index.js';
import type { Attr, Edge, FileType, Ino, SliceId, SliceRecord } from '../../types.js';

const TYPES: readonly FileType[] = ['file', 'dir', 'symlink', 'fifo', 'chr', 'blk', 'socket'];
const typeCode = (t: FileType) => TYPES.indexOf(t) + 1;
const typeOf = (code: number): FileType => TYPES[code - 1] ?? 'file';

/** Bytes of a packed inode: type, mode, uid, gid, nlink, length, rdev, three timespecs, parent. */
export const ATTR_BYTES = 73;
/** Bytes of one packed slice record: pos, id (high, low), size, off, len — all u32 big-endian. */
export const RECORD_BYTES = 24;
const U32 = 2 ** 32;
/** Where a packed inode holds uid and gid, and the three times: [start, end) (the clone script splices them). */
export const ATTR_OWNER_BYTES = [5, 13] as const;
export const ATTR_TIMES_BYTES = [29, 65] as const;

/** An inode's attributes as 73 bytes (numbers up to 2^53 as doubles). */
export function packAttr(a: Attr): Buffer {
  const b = Buffer.allocUnsafe(ATTR_BYTES);
  b.writeUInt8(typeCode(a.type), 0);
  b.writeUInt32BE(a.mode, 1);
  b.writeUInt32BE(a.uid, 5);
  b.writeUInt32BE(a.gid, 9);
  b.writeUInt32BE(a.nlink, 13);
  b.writeDoubleBE(a.length, 17);
  b.writeUInt32BE(a.rdev, 25);
  let at = 29;
  for (const t of [a.atime, a.mtime, a.ctime]) {
    b.writeDoubleBE(t.sec, at);
    b.writeUInt32BE(t.nsec, at + 8);
    at += 12;
  }
  b.writeDoubleBE(a.parent, at);
  return b;
}

export function unpackAttr(ino: Ino, b: Buffer): Attr {
  const time = (at: number) => ({ sec: b.readDoubleBE(at), nsec: b.readUInt32BE(at + 8) });
  return {
    ino, type: typeOf(b.readUInt8(0)), mode: b.readUInt32BE(1), uid: b.readUInt32BE(5), gid: b.readUInt32BE(9),
    nlink: b.readUInt32BE(13), length: b.readDoubleBE(17), rdev: b.readUInt32BE(25),
    atime: time(29), mtime: time(41), ctime: time(53), parent: b.readDoubleBE(65) as Ino,
  };
}

/** A directory entry's value: type (1 byte) and inode (8 bytes). */
export function packEntry(e: Pick<Edge, 'ino' | 'type'>): Buffer {
  const b = Buffer.allocUnsafe(9);
  b.writeUInt8(typeCode(e.type), 0);
  b.writeDoubleBE(e.ino, 1);
  return b;
}

export function unpackEntry(name: Buffer, b: Buffer): Edge {
  return { name, type: typeOf(b.readUInt8(0)), ino: b.readDoubleBE(1) as Ino };
}

/** Slice records as 24 bytes each; the Lua scripts read the id at bytes 4..11. */
export function packRecords(records: readonly SliceRecord[]): Buffer {
  const b = Buffer.allocUnsafe(records.length * RECORD_BYTES);
  records.forEach((r, i) => {
    const at = i * RECORD_BYTES;
    for (const k of ['pos', 'id', 'size', 'off', 'len'] as const) {
      const v = r[k];
      if (!Number.isSafeInteger(v) || v < 0 || (k !== 'id' && v >= U32)) {
        throw new FsError('EINVAL', { syscall: 'write', detail: `slice record ${k} ${v} out of range` });
      }
    }
    b.writeUInt32BE(r.pos, at);
    b.writeUInt32BE(Math.floor(r.id / U32), at + 4);
    b.writeUInt32BE(r.id % U32, at + 8);
    b.writeUInt32BE(r.size, at + 12);
    b.writeUInt32BE(r.off, at + 16);
    b.writeUInt32BE(r.len, at + 20);
  });
  return b;
}

export function unpackRecords(b: Buffer | null | undefined): SliceRecord[] {
  const out: SliceRecord[] = [];
  if (!b) return out;
  for (let at = 0; at + RECORD_BYTES <= b.length; at += RECORD_BYTES) {
    out.push({
      pos: b.readUInt32BE(at),
      id: (b.readUInt32BE(at + 4) * U32 + b.readUInt32BE(at + 8)) as SliceId,
      size: b.readUInt32BE(at + 12),
      off: b.readUInt32BE(at + 16),
      len: b.readUInt32BE(at + 20),
    });
  }
  return out;
}

/** A reply that should be bytes, as a Buffer (null stays null). */
export function asBuffer(reply: unknown): Buffer | null {
  if (reply === null || reply === undefined) return null;
  return Buffer.isBuffer(reply) ? reply : Buffer.from(String(reply));
}

/** A reply that should be an array (null becomes empty). */
export function asArray(reply: unknown): unknown[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) return reply;
  if (reply instanceof Set) return [...reply];
  throw new TypeError(`expected an array reply, got ${typeof reply}`);
}

/** A flat [field, value, …] reply as pairs. */
export function pairs(reply: unknown): Array<[Buffer, Buffer]> {
  const flat = asArray(reply);
  const out: Array<[Buffer, Buffer]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([asBuffer(flat[i])!, asBuffer(flat[i + 1])!]);
  return out;
}

/** An integer reply (or decimal bytes) as a number. */
export function asNumber(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  if (reply === null || reply === undefined) return 0;
  return Number(Buffer.isBuffer(reply) ? reply.toString() : reply);
}
