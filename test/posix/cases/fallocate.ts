import type { Case } from '../case.js';

/** fallocate(2): punch hole and zero range, also where they start at or past the end of the file. */
export const fallocate: readonly Case[] = [
  ['punch hole inside the file reads zeros and keeps the size', 'user', 'file f 0644 user abcdef', 'fallocate f PUNCH_HOLE|KEEP_SIZE 1 2', 'ok; f: size=6 hex=610000646566'],
  ['punch hole starting past EOF: nothing changes', 'user', 'file f 0644 user x', 'fallocate f PUNCH_HOLE|KEEP_SIZE 80000 1000', 'ok; f: size=1 content=x'],
  ['punch hole starting at EOF: nothing changes', 'user', 'file f 0644 user ab', 'fallocate f PUNCH_HOLE|KEEP_SIZE 2 10', 'ok; f: size=2 content=ab'],
  ['punch hole running past EOF zeroes up to EOF only', 'user', 'file f 0644 user abcdef', 'fallocate f PUNCH_HOLE|KEEP_SIZE 4 100', 'ok; f: size=6 hex=616263640000'],
  ['zero range with KEEP_SIZE past EOF: nothing changes', 'user', 'file f 0644 user x', 'fallocate f ZERO_RANGE|KEEP_SIZE 80000 1000', 'ok; f: size=1 content=x'],
  ['zero range past EOF extends with zeros', 'user', 'file f 0644 user x', 'fallocate f ZERO_RANGE 10 5', 'ok; f: size=15 hex=780000000000000000000000000000'],
  ['mode 0 past EOF extends', 'user', 'file f 0644 user x', 'fallocate f 0 3 2', 'ok; f: size=5 hex=7800000000'],
  ['punch hole without KEEP_SIZE: EOPNOTSUPP', 'user', 'file f 0644 user x', 'fallocate f PUNCH_HOLE 0 1', 'EOPNOTSUPP; f: size=1'],
  ['a zero length: EINVAL', 'user', 'file f 0644 user x', 'fallocate f 0 0 0', 'EINVAL'],
];
