import {
  CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand,
  ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { FsError } from '../../../errors/index.js';
import { checkObjectKey } from '../../object-key.js';
import type { ByteRange, ListOptions, ListPage, ObjectInfo, ObjectStore } from '../../object-store.js';
import { rangeOf } from './range-of.js';
import { readBody } from './read-body.js';
import { s3FsError } from './s3-error.js';

/** S3 takes at most this many keys per DeleteObjects and returns at most this many per listing. */
const S3_BATCH = 1000;

/**
 * Objects in one S3 bucket (a prefix is added by `withPrefix`). `noOverwrite` is false: a
 * PUT replaces an existing object and conditional writes (If-None-Match) are not offered by
 * every S3-compatible store. slicefs does not need it, because block keys carry a slice id
 * that is never reused, so nothing ever writes a key twice.
 */
export class S3Store implements ObjectStore {
  readonly supports = { noOverwrite: false, deleteMany: true, createBucket: true };

  constructor(
    readonly url: string,
    private readonly s3: { client: S3Client; bucket: string; region: string },
  ) {}

  private async call<T>(syscall: string, key: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw s3FsError(err, { syscall, key, bucket: this.s3.bucket });
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    checkObjectKey(key, 'put');
    const { client, bucket } = this.s3;
    await this.call('put', key, () => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentLength: data.length })));
  }

  /** Nothing to do: S3 answers a PUT only once the object is stored durably (its own promise, not checked here). */
  async sync(keys: readonly string[]): Promise<void> {
    for (const key of keys) checkObjectKey(key, 'sync');
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    checkObjectKey(key, 'get');
    const { client, bucket } = this.s3;
    if (range?.length === 0) {
      // HTTP cannot ask for zero bytes; the contract still wants ENOENT for a missing object.
      if (!(await this.head(key))) throw new FsError('ENOENT', { syscall: 'get', path: key });
      return Buffer.alloc(0);
    }
    const header = range && (range.offset > 0 || range.length !== undefined)
      ? `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`
      : undefined;
    return this.call('get', key, async () => {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: header }));
        const body = await readBody(res.Body, { key, expected: res.ContentLength });
        return header ? rangeOf(body, { requested: range!, contentRange: res.ContentRange }) : body;
      } catch (err) {
        // A range starting at or past the end: S3 answers 416 where the contract wants no bytes.
        if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) return Buffer.alloc(0);
        throw err;
      }
    });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    checkObjectKey(key, 'head');
    const { client, bucket } = this.s3;
    try {
      const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { key, size: res.ContentLength ?? 0 };
    } catch (err) {
      const e = s3FsError(err, { syscall: 'head', key, bucket });
      if (e.code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    checkObjectKey(key, 'delete');
    const { client, bucket } = this.s3;
    await this.call('delete', key, () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) checkObjectKey(key, 'delete');
    const { client, bucket } = this.s3;
    for (let i = 0; i < keys.length; i += S3_BATCH) {
      const batch = keys.slice(i, i + S3_BATCH);
      const res = await this.call('delete', batch[0]!, () =>
        client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
      );
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) {
        const first = failed[0]!;
        const cause = Object.assign(new Error(first.Message ?? first.Code ?? 'delete failed'), { name: first.Code ?? 'Error' });
        throw s3FsError(cause, { syscall: 'delete', key: first.Key ?? batch[0]!, bucket });
      }
    }
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const { prefix = '', startAfter, limit = S3_BATCH } = options;
    const { client, bucket } = this.s3;
    const request = { Bucket: bucket, Prefix: prefix || undefined, MaxKeys: Math.min(limit, S3_BATCH) };
    let token: string | undefined;
    for (;;) {
      // StartAfter maps the contract's `next` onto S3 directly; a continuation token is only
      // followed when a truncated page came back empty (nothing to name as `next`).
      const res = await this.call('list', prefix, () =>
        client.send(new ListObjectsV2Command({ ...request, ...(token ? { ContinuationToken: token } : { StartAfter: startAfter || undefined }) })),
      );
      const objects = (res.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0, mtime: o.LastModified?.getTime() }));
      if (!res.IsTruncated) return { objects };
      if (objects.length) return { objects, next: objects[objects.length - 1]!.key };
      token = res.NextContinuationToken;
      if (!token) throw new FsError('EIO', { syscall: 'list', path: prefix, detail: 'truncated listing without a continuation token' });
    }
  }

  async createBucket(): Promise<void> {
    const { client, bucket, region } = this.s3;
    const exists = await this.call('createBucket', bucket, () => client.send(new HeadBucketCommand({ Bucket: bucket }))).then(
      () => true,
      (err: FsError) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
    );
    if (exists) return;
    // us-east-1 is the one region S3 wants no location constraint for.
    const configuration = region === 'us-east-1' ? undefined : { LocationConstraint: region as never };
    await this.call('createBucket', bucket, () => client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: configuration }))).catch(
      (err: FsError) => {
        if ((err.cause as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw err;
      },
    );
  }

  async close(): Promise<void> {
    this.s3.client.destroy();
  }
}
