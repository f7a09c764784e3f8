import { createHash } from 'node:crypto';

/** FNV-1a of a name: the seed of its content. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}

/**
 * The bytes a crash-test file named `name` holds, the first `length` of them: seeded noise
 * (xorshift32), so every prefix is known to the test without keeping the data, and bytes of
 * one file never match another's at the same offset.
 */
export function fileContent(name: string, length: number): Buffer {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seedOf(name);
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, length);
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
