import { FsError } from '../../errors/index.js';
import { checkObjectKey } from '../object-key.js';
import type { ByteRange, ListOptions, ListPage, ObjectInfo, ObjectStore } from '../object-store.js';

/**
 * The objects of `inner` under `prefix` (e.g. `vol1/`) as a store of their own: keys are
 * checked, then prefixed on the way in and stripped on the way out.
 */
export function withPrefix(inner: ObjectStore, prefix: string): ObjectStore {
  if (!prefix.endsWith('/')) throw new FsError('EINVAL', { syscall: 'withPrefix', path: prefix, detail: 'a prefix ends with /' });
  checkObjectKey(prefix.slice(0, -1), 'withPrefix');
  return new PrefixStore(inner, prefix);
}

class PrefixStore implements ObjectStore {
  readonly url: string;
  readonly supports: ObjectStore['supports'];
  readonly deleteMany?: (keys: readonly string[]) => Promise<void>;
  readonly createBucket?: () => Promise<void>;

  constructor(
    private readonly inner: ObjectStore,
    private readonly prefix: string,
  ) {
    this.url = inner.url;
    this.supports = inner.supports;
    if (inner.deleteMany) this.deleteMany = async (keys) => inner.deleteMany!(keys.map((k) => this.full(k, 'delete')));
    if (inner.createBucket) this.createBucket = () => inner.createBucket!();
  }

  private full(key: string, syscall: string): string {
    checkObjectKey(key, syscall);
    return this.prefix + key;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    return this.inner.put(this.full(key, 'put'), data);
  }

  async sync(keys: readonly string[]): Promise<void> {
    return this.inner.sync(keys.map((k) => this.full(k, 'sync')));
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    return this.inner.get(this.full(key, 'get'), range);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const info = await this.inner.head(this.full(key, 'head'));
    return info && { ...info, key };
  }

  async delete(key: string): Promise<void> {
    return this.inner.delete(this.full(key, 'delete'));
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const n = this.prefix.length;
    const page = await this.inner.list({
      prefix: this.prefix + (options.prefix ?? ''),
      startAfter: options.startAfter ? this.prefix + options.startAfter : undefined,
      limit: options.limit,
    });
    const objects = page.objects.map((o) => ({ ...o, key: o.key.slice(n) }));
    return page.next === undefined ? { objects } : { objects, next: page.next.slice(n) };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
