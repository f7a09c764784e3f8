/**
 * What the CLI and a mount say to each other through the mount's `.control` file (DESIGN §3.11):
 * the CLI writes one request line (JSON); the mount answers with lines of progress and one final
 * line. Closing the file before the final line cancels the request.
 */

/** The file's name in the mount's root. */
export const CONTROL_NAME = '.control';

/** A request line longer than this is refused (EFBIG): the mount never buffers more. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** A clone of volume paths (relative to the mount's root) carried out by the mount process. */
export interface CloneRequest {
  op: 'clone';
  src: string;
  dst: string;
  preserve?: boolean;
  consistent?: boolean;
  /** The caller's umask (FUSE does not carry it). */
  umask?: number;
  /** Entries per transaction of a directory clone. */
  batchSize?: number;
}

/** `slicefs info` / `slicefs summary` of a volume path, answered by the mount process. */
export interface PathRequest {
  op: 'info' | 'summary';
  path: string;
}

/** `slicefs rmr` of a volume path, carried out by the mount process. */
export interface RmrRequest {
  op: 'rmr';
  path: string;
  /** Entries per transaction. */
  batchSize?: number;
}

/** The mount's counters (`slicefs stats`): answered with `{done, result}` holding a MountStatsSnapshot. */
export interface StatsRequest {
  op: 'stats';
}

/**
 * `slicefs warmup` of a volume path: the mount fetches the blocks of every file below it into its
 * disk cache, answering progress in bytes and `{done, result}` holding a WarmupReport.
 */
export interface WarmupRequest {
  op: 'warmup';
  path: string;
}

/** Any request. */
export type ControlRequest = CloneRequest | PathRequest | RmrRequest | StatsRequest | WarmupRequest;

/** One line of the mount's answer. */
export type ControlReply =
  | { progress: [done: number, total: number] }
  | { done: true; entries: number }
  | { done: true; result: Record<string, unknown> }
  | { error: { code: string; message: string; detail?: string } };
