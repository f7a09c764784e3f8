import { FsError } from '../errors/index.js';
import { MAX_NAME_BYTES } from './types.js';

/** Checks a name for a new directory entry: not empty, `.`/`..`, no `/` or NUL, at most 255 bytes. */
export function checkName(name: Buffer, syscall: string): void {
  const path = name.toString();
  if (name.length === 0) throw new FsError('ENOENT', { syscall, path, detail: 'empty name' });
  if (name.length > MAX_NAME_BYTES) throw new FsError('ENAMETOOLONG', { syscall, path: path.slice(0, 40) + '…' });
  if (name.includes(0)) throw new FsError('EINVAL', { syscall, path, detail: 'name contains a NUL byte' });
  if (name.includes(0x2f)) throw new FsError('EINVAL', { syscall, path, detail: "name contains '/'" });
}

/** True for the names `.` and `..`, which no operation may create or remove. */
export function isDotName(name: Buffer): boolean {
  return (name.length === 1 && name[0] === 0x2e) || (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
}
