import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { FsError } from '../../../../errors/index.js';

/**
 * SQLite opens a database it cannot write read-only, without a word, and fails at the first
 * write ("attempt to write a readonly database", which reads like EROFS). A client that opens
 * for writing records a session at once, so say up front which file this user cannot write:
 * EACCES naming the database. (Read-only opens, e.g. `status`, need no write permission.)
 * The WAL companions must be writable too, or, when they do not exist yet, the directory.
 */
export function checkDatabaseWritable(file: string): void {
  const needs = [file, ...[`${file}-wal`, `${file}-shm`].map((p) => (existsSync(p) ? p : path.dirname(file)))];
  for (const p of new Set(needs)) {
    try {
      accessSync(p, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      const who = `uid ${process.getuid?.() ?? '?'}`;
      if (code === 'EROFS') throw new FsError('EROFS', { syscall: 'open', path: file, detail: `the metadata database is on a read-only file system`, cause: err });
      throw new FsError('EACCES', { syscall: 'open', path: file, detail: `the metadata database is not writable by ${who} (${p}): clients need write permission on it, its -wal and -shm files and its directory`, cause: err });
    }
  }
}
