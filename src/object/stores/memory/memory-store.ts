import { FsError } from '../../../errors/index.js';
import { checkObjectKey } from '../../object-key.js';
import type { ByteRange, ListOptions, ListPage, ObjectInfo, ObjectStore } from '../../object-store.js';

const buckets = new Map<string, Map<string, Buffer>>();

/** An in-process store for tests; stores with the same URL share their objects. */
export class MemoryStore implements ObjectStore {
  readonly supports = { noOverwrite: true, deleteMany: false, createBucket: false };
  private readonly objects: Map<string, Buffer>;

  constructor(readonly url: string) {
    let bucket = buckets.get(url);
    if (!bucket) buckets.set(url, (bucket = new Map()));
    this.objects = bucket;
  }

  /** Forgets every object of every memory store (between tests). */
  static reset(url?: string): void {
    if (url === undefined) buckets.clear();
    else buckets.delete(url);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    checkObjectKey(key, 'put');
    if (this.objects.has(key)) throw new FsError('EEXIST', { syscall: 'put', path: key });
    this.objects.set(key, Buffer.from(data));
  }

  /** Nothing to do: nothing in memory survives a crash anyway. */
  async sync(keys: readonly string[]): Promise<void> {
    for (const key of keys) checkObjectKey(key, 'sync');
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    checkObjectKey(key, 'get');
    const data = this.objects.get(key);
    if (!data) throw new FsError('ENOENT', { syscall: 'get', path: key });
    if (!range) return Buffer.from(data);
    const end = range.length === undefined ? data.length : range.offset + range.length;
    return Buffer.from(data.subarray(range.offset, end));
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    checkObjectKey(key, 'head');
    const data = this.objects.get(key);
    return data ? { key, size: data.length } : undefined;
  }

  async delete(key: string): Promise<void> {
    checkObjectKey(key, 'delete');
    this.objects.delete(key);
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const { prefix = '', startAfter = '', limit = 1000 } = options;
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && k > startAfter).sort();
    const page = keys.slice(0, limit);
    const objects = page.map((key) => ({ key, size: this.objects.get(key)!.length }));
    return keys.length > limit ? { objects, next: page[page.length - 1] } : { objects };
  }

  async close(): Promise<void> {}
}
