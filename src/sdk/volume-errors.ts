import { FsError, toFsError } from '../errors/index.js';
import { ArgumentError } from './node-args.js';

/** Runs an SDK call so its errors look like Node's: the SDK's syscall name and the caller's paths. */
export async function withPaths<T>(where: { syscall: string; path?: string; dest?: string }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ArgumentError) throw err;
    const e = toFsError(err);
    throw new FsError(e.code, { syscall: where.syscall, path: where.path, dest: where.dest, detail: e.detail, cause: err });
  }
}
