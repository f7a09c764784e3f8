import { MAX_NAME_BYTES } from '../meta/types.js';
import { s3Error } from './s3-error.js';

/** S3's key limit, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** A bucket is a top-level directory whose name follows S3's rules (so `.trash` and the gateway's staging area never are). */
export function isBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !/\.\.|^\d+\.\d+\.\d+\.\d+$/.test(name);
}

export function checkBucketName(name: string): void {
  if (!isBucketName(name)) throw s3Error('InvalidBucketName', { resource: name });
}

/** An object key as volume path components; `directory` for keys ending in '/' (a directory marker). */
export interface KeyPath {
  parts: Buffer[];
  directory: boolean;
}

/**
 * Checks a key and splits it at '/': keys map to paths, so a key may not hold NUL, empty
 * components ('a//b'), '.' or '..' components, or a component over 255 bytes; at most 1024 bytes.
 */
export function keyPath(key: string): KeyPath {
  if (key === '') throw s3Error('InvalidArgument', { message: 'empty key' });
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw s3Error('KeyTooLongError', { resource: key.slice(0, 64) });
  if (key.includes('\0')) throw s3Error('InvalidArgument', { message: 'a key may not contain a NUL character', resource: key.replace(/\0/g, '\\0') });
  const directory = key.endsWith('/');
  const names = (directory ? key.slice(0, -1) : key).split('/');
  const parts = names.map((n) => Buffer.from(n));
  for (const [i, part] of parts.entries()) {
    const n = names[i]!;
    if (n === '' || n === '.' || n === '..') {
      throw s3Error('InvalidArgument', { message: "a key's '/'-separated components may not be empty, '.' or '..' on this gateway (keys are paths)", resource: key });
    }
    if (part.length > MAX_NAME_BYTES) throw s3Error('KeyTooLongError', { message: `a key component is over ${MAX_NAME_BYTES} bytes`, resource: key.slice(0, 64) });
  }
  return { parts, directory };
}
