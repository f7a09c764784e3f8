import { toFsError } from './fs-error.js';

/** Where a client writes one line about work no caller awaits (background releases, compaction, deletion). */
export type LogLine = (line: string) => void;

/** The default: a line on stderr. */
export const logToStderr: LogLine = (line) => void process.stderr.write(`${line}\n`);

/** Logs a failure of background work: what failed, its errno and message, and the retry that follows. */
export function logFailure(log: LogLine, spec: { what: string; err: unknown; retry: string }): void {
  const e = toFsError(spec.err);
  log(`slicefs: ${spec.what} failed: ${e.code}: ${e.message}; ${spec.retry}`);
}
