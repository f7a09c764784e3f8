import { createHash } from 'node:crypto';

/** `tag|` repeated and cut to `length` bytes: content that names its writer and version. */
export function tagged(tag: string, length: number): Buffer {
  const unit = Buffer.from(`${tag}|`);
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += unit.length) unit.copy(out, i, 0, Math.min(unit.length, length - i));
  return out;
}

/** The tag of content made by `tagged`, or undefined if it is not such content (torn, zeros, mixed). */
export function tagOf(data: Buffer): string | undefined {
  const end = data.indexOf('|');
  if (end <= 0) return undefined;
  const tag = data.subarray(0, end).toString();
  return tagged(tag, data.length).equals(data) ? tag : undefined;
}

/** The byte writer `w` puts at file offset `pos`: never zero, different for each writer (< 251) at one offset. */
export const writerByte = (w: number, pos: number) => 1 + ((pos * 131 + w * 53) % 251);

// 53 * INVERSE_53 = 1 (mod 251), so a byte and its offset give back the writer.
const INVERSE_53 = Array.from({ length: 251 }, (_, x) => x).find((x) => (53 * x) % 251 === 1)!;

/** Which writer's byte `b` at offset `pos` is; -1 for zero. */
export function writerOf(pos: number, b: number): number {
  if (b === 0) return -1;
  return ((((b - 1 - pos * 131) % 251) + 251) % 251) * INVERSE_53 % 251;
}

/** Writer `w`'s bytes for [offset, offset + length). */
export function writerBytes(w: number, offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = writerByte(w, offset + i);
  return out;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
