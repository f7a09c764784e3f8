/** Store calls a fault rule can target; `*` is every one. */
export type FaultOp = 'put' | 'sync' | 'get' | 'head' | 'delete' | 'list' | '*';

/**
 * Failures a rule can raise, each shaped like what a real S3 store sends: `EIO` a 500
 * InternalError, `SlowDown` a 503, `ECONNRESET` a dropped connection (these three are
 * transient, so the retry wrapper retries them), `EACCES` a 403, `ENOENT` a 404.
 */
export type FaultError = 'EIO' | 'SlowDown' | 'ECONNRESET' | 'EACCES' | 'ENOENT';

/** One fault: which calls it hits and what it does to them. */
export interface FaultRule {
  /** The call it applies to (`deleteMany` counts as `delete` of each key, `sync` as `sync` of each key). */
  op: FaultOp;
  /** Keys it applies to (for `list`, the prefix): a RegExp, or a glob where `*` is any text (default all). */
  key?: RegExp | string;
  /** Matching calls let through before it acts (default 0). */
  after?: number;
  /** Matching calls it acts on, after which it is spent (default: no limit). */
  times?: number;
  /** Probability of acting on a matching call (default 1). */
  rate?: number;
  /** The failure raised; default EIO, or none when the rule delays or truncates. */
  error?: FaultError;
  /** Milliseconds to wait before the call goes on (or fails). */
  delayMs?: number;
  /** On `get`: return only the first half of the bytes, as a broken store or proxy might. */
  truncate?: boolean;
}

export const FAULT_OPS: readonly FaultOp[] = ['put', 'sync', 'get', 'head', 'delete', 'list', '*'];
export const FAULT_ERRORS: readonly FaultError[] = ['EIO', 'SlowDown', 'ECONNRESET', 'EACCES', 'ENOENT'];
