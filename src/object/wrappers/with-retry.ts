import { setTimeout as sleep } from 'node:timers/promises';
import { FsError, isFsError, toFsError } from '../../errors/index.js';
import type { ByteRange, ListOptions, ListPage, ObjectInfo, ObjectStore } from '../object-store.js';
import { isTransientError } from '../transient-error.js';

/** How `withRetry` retries. */
export interface RetryOptions {
  /** Attempts per call, the first one included (default 5; 1 means no retries). */
  attempts?: number;
  /** Backoff before the first retry, in ms; it doubles with each retry (default 100). */
  baseDelayMs?: number;
  /** Largest backoff, in ms (default 5000). */
  maxDelayMs?: number;
  /** Which failures are worth another attempt (default: 5xx, throttling, network errors). */
  retryable?: (err: unknown) => boolean;
  /** Told of each retry, before its backoff. */
  onRetry?: (retry: { op: string; key: string; attempt: number; delayMs: number; error: unknown }) => void;
  /** Waits between attempts (tests pass a fake clock). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * `inner` with each call retried on transient failures: exponential backoff with jitter
 * (half the doubled delay fixed, half random, so clients that failed together spread out),
 * at most `attempts` tries; other failures (4xx, ENOENT, EINVAL) pass through at once.
 */
export function withRetry(inner: ObjectStore, options: RetryOptions = {}): ObjectStore {
  return new RetryStore(inner, options);
}

class RetryStore implements ObjectStore {
  readonly url: string;
  readonly supports: ObjectStore['supports'];
  readonly deleteMany?: (keys: readonly string[]) => Promise<void>;
  readonly createBucket?: () => Promise<void>;
  private readonly attempts: number;

  constructor(
    private readonly inner: ObjectStore,
    private readonly options: RetryOptions,
  ) {
    this.url = inner.url;
    this.supports = inner.supports;
    this.attempts = Math.max(1, Math.floor(options.attempts ?? 5));
    if (inner.deleteMany) this.deleteMany = (keys) => this.run('delete', keys[0] ?? '', () => inner.deleteMany!(keys));
    if (inner.createBucket) this.createBucket = () => this.run('createBucket', '', () => inner.createBucket!());
  }

  private async run<T>(op: string, key: string, call: (attempt: number) => Promise<T>): Promise<T> {
    const { baseDelayMs = 100, maxDelayMs = 5000, retryable = isTransientError } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(attempt);
      } catch (error) {
        if (!retryable(error)) throw error;
        if (attempt >= this.attempts) {
          const e = toFsError(error, { syscall: op, path: key });
          const detail = `${e.detail ?? e.message}; gave up after ${attempt} attempt${attempt > 1 ? 's' : ''}`;
          throw new FsError(e.code, { syscall: e.syscall, path: e.path, detail, cause: error });
        }
        const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
        const delayMs = Math.round(cap / 2 + (Math.random() * cap) / 2);
        this.options.onRetry?.({ op, key, attempt, delayMs, error });
        await (this.options.sleep ?? sleep)(delayMs);
      }
    }
  }

  put(key: string, data: Uint8Array): Promise<void> {
    return this.run('put', key, async (attempt) => {
      try {
        await this.inner.put(key, data);
      } catch (err) {
        // On a no-overwrite store, EEXIST after a failed attempt is usually that attempt having
        // landed after all (the answer was lost); an object of the right size is taken as ours.
        if (attempt > 1 && isFsError(err, 'EEXIST') && (await this.inner.head(key))?.size === data.length) return;
        throw err;
      }
    });
  }

  sync(keys: readonly string[]): Promise<void> {
    return this.run('sync', keys[0] ?? '', () => this.inner.sync(keys));
  }

  get(key: string, range?: ByteRange): Promise<Buffer> {
    return this.run('get', key, () => this.inner.get(key, range));
  }

  head(key: string): Promise<ObjectInfo | undefined> {
    return this.run('head', key, () => this.inner.head(key));
  }

  delete(key: string): Promise<void> {
    return this.run('delete', key, () => this.inner.delete(key));
  }

  list(options?: ListOptions): Promise<ListPage> {
    return this.run('list', options?.prefix ?? '', () => this.inner.list(options));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
