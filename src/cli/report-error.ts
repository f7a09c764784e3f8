import { CodedError, errnoDescription, FsError } from '../errors/index.js';

/** One line for a failed command: `slicefs: clone: /mnt/b: File exists`. */
export function errorLine(command: string, err: unknown): string {
  if (err instanceof FsError) {
    const where = [err.path, err.dest].filter((p) => p !== undefined).join(' -> ');
    const detail = err.detail ? ` (${err.detail})` : '';
    return `slicefs: ${command}: ${where ? `${where}: ` : ''}${errnoDescription(err.code)}${detail}`;
  }
  if (err instanceof CodedError) return `slicefs: ${command}: ${err.message}`;
  return `slicefs: ${command}: ${(err as Error)?.message ?? String(err)}`;
}

/** The exit code for a failure: the errno number for FsErrors (capped), 1 otherwise. */
export function exitCode(err: unknown): number {
  return err instanceof FsError ? 1 : err instanceof CodedError ? 2 : 1;
}
