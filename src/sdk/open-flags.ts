import { FsError } from '../errors/index.js';
import { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '../vfs/open-flags.js';

const NAMED: Record<string, number> = {
  r: O_RDONLY,
  'r+': O_RDWR,
  rs: O_RDONLY,
  'rs+': O_RDWR,
  w: O_WRONLY | O_CREAT | O_TRUNC,
  wx: O_WRONLY | O_CREAT | O_TRUNC | O_EXCL,
  'w+': O_RDWR | O_CREAT | O_TRUNC,
  'wx+': O_RDWR | O_CREAT | O_TRUNC | O_EXCL,
  a: O_WRONLY | O_CREAT | O_APPEND,
  ax: O_WRONLY | O_CREAT | O_APPEND | O_EXCL,
  'a+': O_RDWR | O_CREAT | O_APPEND,
  'ax+': O_RDWR | O_CREAT | O_APPEND | O_EXCL,
};

/** Node's flag strings ('r', 'w+', 'ax', …) or numbers, as open(2) flags. */
export function parseOpenFlags(flags: string | number): number {
  if (typeof flags === 'number') return flags;
  const n = NAMED[flags];
  if (n === undefined) throw new FsError('EINVAL', { syscall: 'open', detail: `unknown open flags '${flags}'` });
  return n;
}
