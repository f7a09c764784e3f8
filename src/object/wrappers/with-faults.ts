import { setTimeout as sleep } from 'node:timers/promises';
import { type Errno, FsError } from '../../errors/index.js';
import type { ByteRange, ListOptions, ListPage, ObjectInfo, ObjectStore } from '../object-store.js';
import type { FaultError, FaultRule } from './fault-rule.js';

/** A store with injected faults, and what they did. */
export interface FaultyStore extends ObjectStore {
  /** Calls a rule failed, delayed or truncated so far. */
  readonly injected: number;
  /** Removes every rule: the store behaves again. */
  clear(): void;
}

/** How each injected failure looks to the layers above: the errno and a cause like the S3 client's. */
const SHAPES: Record<FaultError, { code: Errno; cause: Record<string, unknown> }> = {
  EIO: { code: 'EIO', cause: { name: 'InternalError', $metadata: { httpStatusCode: 500 } } },
  SlowDown: { code: 'EIO', cause: { name: 'SlowDown', $metadata: { httpStatusCode: 503 } } },
  ECONNRESET: { code: 'EIO', cause: { name: 'Error', code: 'ECONNRESET' } },
  EACCES: { code: 'EACCES', cause: { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } } },
  ENOENT: { code: 'ENOENT', cause: { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } } },
};

const globToRegExp = (glob: string) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

interface ActiveRule {
  rule: FaultRule;
  key: RegExp | undefined;
  seen: number;
  acted: number;
}

/**
 * For tests and fault drills only: `inner` with chosen calls failed, delayed or truncated
 * (see FaultRule). Rules are checked in order on every call; each counts its own matches.
 */
export function withFaults(inner: ObjectStore, rules: readonly FaultRule[]): FaultyStore {
  return new FaultStore(inner, rules);
}

class FaultStore implements FaultyStore {
  readonly url: string;
  readonly supports: ObjectStore['supports'];
  readonly deleteMany?: (keys: readonly string[]) => Promise<void>;
  readonly createBucket?: () => Promise<void>;
  injected = 0;
  private rules: ActiveRule[];

  constructor(
    private readonly inner: ObjectStore,
    rules: readonly FaultRule[],
  ) {
    this.url = inner.url;
    this.supports = inner.supports;
    this.rules = rules.map((rule) => ({
      rule,
      key: rule.key === undefined ? undefined : typeof rule.key === 'string' ? globToRegExp(rule.key) : rule.key,
      seen: 0,
      acted: 0,
    }));
    if (inner.deleteMany) {
      this.deleteMany = async (keys) => {
        for (const key of keys) await this.before('delete', key);
        await inner.deleteMany!(keys);
      };
    }
    if (inner.createBucket) this.createBucket = () => inner.createBucket!();
  }

  clear(): void {
    this.rules = [];
  }

  /** Applies the rules to one call; resolves to true when its result must be truncated. */
  private async before(op: Exclude<FaultRule['op'], '*'>, key: string): Promise<boolean> {
    let truncate = false;
    for (const r of this.rules) {
      const { rule } = r;
      if ((rule.op !== '*' && rule.op !== op) || (r.key && !r.key.test(key))) continue;
      r.seen++;
      if (r.seen <= (rule.after ?? 0) || r.acted >= (rule.times ?? Infinity) || Math.random() >= (rule.rate ?? 1)) continue;
      r.acted++;
      this.injected++;
      if (rule.delayMs) await sleep(rule.delayMs);
      if (rule.truncate && op === 'get') truncate = true;
      const error = rule.error ?? (rule.delayMs || rule.truncate ? undefined : 'EIO');
      if (error) {
        const { code, cause } = SHAPES[error];
        const injected = Object.assign(new Error(`injected ${error}`), cause);
        throw new FsError(code, { syscall: op, path: key, detail: `injected fault: ${error}`, cause: injected });
      }
    }
    return truncate;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.before('put', key);
    return this.inner.put(key, data);
  }

  async sync(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.before('sync', key);
    return this.inner.sync(keys);
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    const truncate = await this.before('get', key);
    const data = await this.inner.get(key, range);
    return truncate ? data.subarray(0, Math.floor(data.length / 2)) : data;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    await this.before('head', key);
    return this.inner.head(key);
  }

  async delete(key: string): Promise<void> {
    await this.before('delete', key);
    return this.inner.delete(key);
  }

  async list(options?: ListOptions): Promise<ListPage> {
    await this.before('list', options?.prefix ?? '');
    return this.inner.list(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
