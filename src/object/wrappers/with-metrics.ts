import type { ByteRange, ListOptions, ListPage, ObjectInfo, ObjectStore } from '../object-store.js';

/** Requests one client made to its object store, as plain counters (`slicefs stats`, `mount --metrics`). */
export class ObjectMetrics {
  /** Requests by kind (a `deleteMany` counts once), failed ones included. */
  readonly requests = { get: 0, put: 0, head: 0, delete: 0, list: 0, sync: 0 };
  /** Requests that failed. */
  errors = 0;
  /** Bytes read by `get` and written by `put`. */
  readBytes = 0;
  writtenBytes = 0;
  /** Seconds spent waiting for requests, all kinds. */
  seconds = 0;
}

/** `inner` with every request counted in `metrics`: a few additions per request, nothing kept per key. */
export function withMetrics(inner: ObjectStore, metrics: ObjectMetrics): ObjectStore {
  return new MetricsStore(inner, metrics);
}

class MetricsStore implements ObjectStore {
  readonly url: string;
  readonly supports: ObjectStore['supports'];
  readonly deleteMany?: (keys: readonly string[]) => Promise<void>;
  readonly createBucket?: () => Promise<void>;

  constructor(
    private readonly inner: ObjectStore,
    private readonly m: ObjectMetrics,
  ) {
    this.url = inner.url;
    this.supports = inner.supports;
    if (inner.deleteMany) this.deleteMany = (keys) => this.count('delete', () => inner.deleteMany!(keys));
    if (inner.createBucket) this.createBucket = () => inner.createBucket!();
  }

  private async count<T>(kind: keyof ObjectMetrics['requests'], call: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    this.m.requests[kind]++;
    try {
      return await call();
    } catch (err) {
      this.m.errors++;
      throw err;
    } finally {
      this.m.seconds += (performance.now() - t0) / 1000;
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.count('put', () => this.inner.put(key, data));
    this.m.writtenBytes += data.length;
  }
  sync(keys: readonly string[]): Promise<void> {
    return this.count('sync', () => this.inner.sync(keys));
  }
  async get(key: string, range?: ByteRange): Promise<Buffer> {
    const data = await this.count('get', () => this.inner.get(key, range));
    this.m.readBytes += data.length;
    return data;
  }
  head(key: string): Promise<ObjectInfo | undefined> {
    return this.count('head', () => this.inner.head(key));
  }
  delete(key: string): Promise<void> {
    return this.count('delete', () => this.inner.delete(key));
  }
  list(options?: ListOptions): Promise<ListPage> {
    return this.count('list', () => this.inner.list(options));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
