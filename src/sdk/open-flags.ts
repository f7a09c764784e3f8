import { constants } from 'node:fs';
import { ArgumentError } from './node-args.js';

const { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_SYNC, O_TRUNC, O_WRONLY } = constants;

/** Node's flag strings (lib/internal/fs/utils.js stringToFlags), 's' adding O_SYNC. */
const NAMED: Record<string, number> = {
  r: O_RDONLY,
  rs: O_RDONLY | O_SYNC,
  sr: O_RDONLY | O_SYNC,
  'r+': O_RDWR,
  'rs+': O_RDWR | O_SYNC,
  'sr+': O_RDWR | O_SYNC,
  w: O_TRUNC | O_CREAT | O_WRONLY,
  wx: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  xw: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  'w+': O_TRUNC | O_CREAT | O_RDWR,
  'wx+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  'xw+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  a: O_APPEND | O_CREAT | O_WRONLY,
  ax: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  xa: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  as: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  sa: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  'a+': O_APPEND | O_CREAT | O_RDWR,
  'ax+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'xa+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'as+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
  'sa+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
};

/** Node's flag strings ('r', 'w+', 'ax', …) or numbers, as open(2) flags; others are refused as Node refuses them. */
export function parseOpenFlags(flags: unknown): number {
  if (flags === undefined || flags === null) return O_RDONLY;
  if (typeof flags === 'number' && Number.isInteger(flags)) return flags;
  const n = typeof flags === 'string' ? NAMED[flags] : undefined;
  if (n === undefined) throw new ArgumentError('ERR_INVALID_ARG_VALUE', `The argument 'flags' is invalid. Received ${JSON.stringify(flags)}`);
  return n;
}
