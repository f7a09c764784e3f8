import type { OperationResult } from './operations.js';

/** One operation for a worker: argv[0] names an entry of `operations`, relative paths are under cwd. */
export interface WorkerRequest {
  cwd: string;
  argv: string[];
  /** Who owns what setup operations create. */
  owner: { uid: number; gid: number };
}

/** Success with the operation's value, an errno, or a harness error (a bug in the case or suite). */
export type WorkerReply = { ok: true; value: OperationResult } | { ok: false; errno: string } | { ok: false; error: string };
