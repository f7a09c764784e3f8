import { crc32 } from 'node:zlib';

/**
 * One cached object on disk: a header, then the object's bytes.
 *
 *   magic 'SFC1' | crc32 of the bytes (u32 LE) | length of the bytes (u32 LE) | key length (u16 LE) | key (UTF-8) | bytes
 *
 * The checksum and length catch a file cut short or altered on disk; the key catches a file
 * that belongs to another object (a hash collision or a file moved by hand).
 */
const MAGIC = Buffer.from('SFC1');
const FIXED = MAGIC.length + 4 + 4 + 2;

/** The largest object kept (the length field is 32 bits). */
export const MAX_CACHED_OBJECT = 0xffff_ffff;

/** The file's bytes for `data` stored under `key`. */
export function encodeCacheFile(key: string, data: Uint8Array): Buffer[] {
  const keyBytes = Buffer.from(key);
  const header = Buffer.alloc(FIXED + keyBytes.length);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(crc32(data), 4);
  header.writeUInt32LE(data.length, 8);
  header.writeUInt16LE(keyBytes.length, 12);
  keyBytes.copy(header, FIXED);
  return [header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)];
}

/** The object's bytes, or undefined when the file is not a whole, intact copy of `key`. */
export function decodeCacheFile(key: string, file: Buffer): Buffer | undefined {
  if (file.length < FIXED || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const keyLength = file.readUInt16LE(12);
  const start = FIXED + keyLength;
  if (file.length !== start + file.readUInt32LE(8)) return undefined;
  if (file.toString('utf8', FIXED, start) !== key) return undefined;
  const data = file.subarray(start);
  return crc32(data) === file.readUInt32LE(4) ? data : undefined;
}
