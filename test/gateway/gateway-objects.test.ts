import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketLocationCommand,
  GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { testEngines } from '../../src/meta/testing/test-engines.js';
import { presignedUrl } from './presign.js';
import { withGateway, s3Client } from './gateway-harness.js';

const engines = testEngines();
const text = async (s3: S3Client, Bucket: string, Key: string, Range?: string) =>
  (await (await s3.send(new GetObjectCommand({ Bucket, Key, Range }))).Body!.transformToString());
const code = (expected: string, status?: number) => (err: unknown) => {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  assert.equal(e.Code ?? e.name, expected);
  if (status !== undefined) assert.equal(e.$metadata?.httpStatusCode, status);
  return true;
};

for (const engine of engines) {
  describe(`S3 gateway round trip [${engine.name}]`, () => {
    it('buckets, put, get, head, list, copy (a clone), delete, through the AWS SDK; every request logged', async () => {
      await withGateway(engine, async ({ s3, vol, accessLog }) => {
        await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
        await assert.rejects(s3.send(new CreateBucketCommand({ Bucket: 'photos' })), code('BucketAlreadyOwnedByYou', 409));
        await s3.send(new HeadBucketCommand({ Bucket: 'photos' }));
        await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: '2024/jan/cat.jpg', Body: 'meow', ContentType: 'image/jpeg', Metadata: { camera: 'x100' } }));
        assert.equal((await vol.readFile('/photos/2024/jan/cat.jpg')).toString(), 'meow', 'keys are paths of the volume');
        const head = await s3.send(new HeadObjectCommand({ Bucket: 'photos', Key: '2024/jan/cat.jpg' }));
        assert.equal(head.ContentLength, 4);
        assert.equal(head.ContentType, 'image/jpeg');
        assert.deepEqual(head.Metadata, { camera: 'x100' });
        assert.equal(head.ETag, '"4a4be40c96ac6314e91d93f38043a634"', 'the MD5 of the bytes');
        assert.equal(await text(s3, 'photos', '2024/jan/cat.jpg'), 'meow');
        await s3.send(new CreateBucketCommand({ Bucket: 'backup' }));
        await s3.send(new CopyObjectCommand({ Bucket: 'backup', Key: 'cat-copy.jpg', CopySource: 'photos/2024/jan/cat.jpg' }));
        const copy = await s3.send(new HeadObjectCommand({ Bucket: 'backup', Key: 'cat-copy.jpg' }));
        assert.equal(copy.ETag, head.ETag);
        assert.deepEqual(copy.Metadata, { camera: 'x100' });
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'photos' }));
        assert.deepEqual(listed.Contents?.map((c) => [c.Key, c.Size, c.ETag]), [['2024/jan/cat.jpg', 4, head.ETag]]);
        const buckets = await s3.send(new ListBucketsCommand({}));
        assert.deepEqual(buckets.Buckets?.map((b) => b.Name), ['backup', 'photos'], 'the staging area is no bucket');
        await assert.rejects(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })), code('BucketNotEmpty', 409));
        await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: '2024/jan/cat.jpg' }));
        await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: '2024/jan/cat.jpg' })), code('NoSuchKey', 404));
        assert.equal(await vol.exists('/photos/2024'), false, 'emptied directories go with the last key');
        assert.equal(await text(s3, 'backup', 'cat-copy.jpg'), 'meow', 'the copy outlives the source');
        await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }));
        await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: 'photos' })), code('NotFound', 404));
        assert.ok(accessLog.length >= 17, 'one access line per request');
        assert.ok(accessLog.some((l) => / GET \/photos\/2024\/jan\/cat.jpg\?x-id 404 NoSuchKey /.test(l)), accessLog.join('\n'));
      });
    });
  });
}

describe('S3 gateway objects', () => {
  const engine = engines[0]!;
  it('lists in S3 key order with prefix, delimiter, start-after, continuation tokens, max-keys; v1 markers', async () => {
    await withGateway(engine, async ({ s3 }) => {
      await s3.send(new CreateBucketCommand({ Bucket: 'list' }));
      const keys = ['a-c', 'a/b', 'a/c/d', 'a/c/e', 'b', 'b0/x', 'c~', 'dir/sub/f1', 'dir/sub/f2', 'dir/top'];
      for (const Key of [...keys].reverse()) await s3.send(new PutObjectCommand({ Bucket: 'list', Key, Body: Key }));
      const all = await s3.send(new ListObjectsV2Command({ Bucket: 'list' }));
      assert.deepEqual(all.Contents?.map((c) => c.Key), keys, "'a-c' sorts before 'a/b', as bytes");
      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: 'list', MaxKeys: 3, ContinuationToken: token }));
        pages.push(page.Contents!.map((c) => c.Key!));
        assert.equal(page.KeyCount, page.Contents!.length);
        token = page.NextContinuationToken;
        assert.equal(page.IsTruncated, token !== undefined);
      } while (token);
      assert.deepEqual(pages.flat(), keys);
      assert.equal(pages.length, 4);
      const top = await s3.send(new ListObjectsV2Command({ Bucket: 'list', Delimiter: '/' }));
      assert.deepEqual(top.Contents?.map((c) => c.Key), ['a-c', 'b', 'c~']);
      assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b0/', 'dir/']);
      const nested = await s3.send(new ListObjectsV2Command({ Bucket: 'list', Prefix: 'a/', Delimiter: '/' }));
      assert.deepEqual(nested.Contents?.map((c) => c.Key), ['a/b']);
      assert.deepEqual(nested.CommonPrefixes?.map((p) => p.Prefix), ['a/c/']);
      const partial = await s3.send(new ListObjectsV2Command({ Bucket: 'list', Prefix: 'dir/s' }));
      assert.deepEqual(partial.Contents?.map((c) => c.Key), ['dir/sub/f1', 'dir/sub/f2']);
      const after = await s3.send(new ListObjectsV2Command({ Bucket: 'list', StartAfter: 'a/c/d' }));
      assert.deepEqual(after.Contents?.map((c) => c.Key), keys.slice(3));
      const dash = await s3.send(new ListObjectsV2Command({ Bucket: 'list', Delimiter: '-' }));
      assert.deepEqual(dash.CommonPrefixes?.map((p) => p.Prefix), ['a-']);
      const prefixPages = await s3.send(new ListObjectsV2Command({ Bucket: 'list', Delimiter: '/', MaxKeys: 2 }));
      assert.deepEqual([prefixPages.Contents?.map((c) => c.Key), prefixPages.CommonPrefixes?.map((p) => p.Prefix)], [['a-c'], ['a/']]);
      const rest = await s3.send(new ListObjectsV2Command({ Bucket: 'list', Delimiter: '/', ContinuationToken: prefixPages.NextContinuationToken }));
      assert.deepEqual([rest.Contents?.map((c) => c.Key), rest.CommonPrefixes?.map((p) => p.Prefix)], [['b', 'c~'], ['b0/', 'dir/']], 'a continuation after a common prefix skips its keys');
      const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'list', MaxKeys: 4, Delimiter: '/' }));
      assert.equal(v1.IsTruncated, true);
      assert.equal(v1.NextMarker, 'b0/');
      const v1rest = await s3.send(new ListObjectsCommand({ Bucket: 'list', Marker: v1.NextMarker, Delimiter: '/' }));
      assert.deepEqual([v1rest.Contents?.map((c) => c.Key), v1rest.CommonPrefixes?.map((p) => p.Prefix)], [['c~'], ['dir/']]);
      const none = await s3.send(new ListObjectsV2Command({ Bucket: 'list', Prefix: '../' }));
      assert.equal(none.KeyCount, 0, "a prefix with '..' names nothing outside the bucket");
      assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'list' }))).LocationConstraint, undefined);
    });
  });

  it('ranges and conditional headers, as HTTP and S3 define them', async () => {
    await withGateway(engine, async ({ s3 }) => {
      await s3.send(new CreateBucketCommand({ Bucket: 'ranges' }));
      const body = Buffer.from(Array.from({ length: 3_000_000 }, (_, i) => i % 251));
      const put = await s3.send(new PutObjectCommand({ Bucket: 'ranges', Key: 'big.bin', Body: body }));
      const range = async (Range: string) => {
        const got = await s3.send(new GetObjectCommand({ Bucket: 'ranges', Key: 'big.bin', Range }));
        return { bytes: Buffer.from(await got.Body!.transformToByteArray()), contentRange: got.ContentRange };
      };
      const mid = await range('bytes=1000000-1999999');
      assert.ok(mid.bytes.equals(body.subarray(1_000_000, 2_000_000)));
      assert.equal(mid.contentRange, 'bytes 1000000-1999999/3000000');
      assert.ok((await range('bytes=-10')).bytes.equals(body.subarray(-10)));
      assert.ok((await range('bytes=2999990-')).bytes.equals(body.subarray(2_999_990)));
      assert.ok((await range('bytes=2999990-9999999')).bytes.equals(body.subarray(2_999_990)), 'an end past the size is cut');
      await assert.rejects(range('bytes=3000000-'), code('InvalidRange', 416));
      const get = (extra: object) => s3.send(new GetObjectCommand({ Bucket: 'ranges', Key: 'big.bin', ...extra }));
      await get({ IfMatch: put.ETag });
      await assert.rejects(get({ IfMatch: '"0123"' }), code('PreconditionFailed', 412));
      await assert.rejects(get({ IfNoneMatch: put.ETag }), (err: unknown) => (err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode === 304);
      await get({ IfNoneMatch: '"0123"' });
      const future = new Date(Date.now() + 3_600_000);
      const past = new Date(Date.now() - 3_600_000);
      await assert.rejects(get({ IfModifiedSince: future }), (err: unknown) => (err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode === 304);
      await get({ IfModifiedSince: past });
      await assert.rejects(get({ IfUnmodifiedSince: past }), code('PreconditionFailed', 412));
      await get({ IfUnmodifiedSince: future });
    });
  });

  it('CopyObject: COPY and REPLACE metadata, across buckets, copy-source conditions, not onto itself unchanged; DeleteObjects', async () => {
    await withGateway(engine, async ({ s3 }) => {
      await s3.send(new CreateBucketCommand({ Bucket: 'src' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'dst' }));
      const put = await s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'doc.txt', Body: 'v1', ContentType: 'text/plain', Metadata: { a: '1' } }));
      await s3.send(new CopyObjectCommand({ Bucket: 'dst', Key: 'x/doc.txt', CopySource: 'src/doc.txt', MetadataDirective: 'REPLACE', ContentType: 'text/markdown', Metadata: { b: '2' } }));
      const replaced = await s3.send(new HeadObjectCommand({ Bucket: 'dst', Key: 'x/doc.txt' }));
      assert.equal(replaced.ContentType, 'text/markdown');
      assert.deepEqual(replaced.Metadata, { b: '2' });
      assert.equal(replaced.ETag, put.ETag);
      await assert.rejects(s3.send(new CopyObjectCommand({ Bucket: 'src', Key: 'doc.txt', CopySource: 'src/doc.txt' })), code('InvalidRequest', 400));
      await assert.rejects(s3.send(new CopyObjectCommand({ Bucket: 'dst', Key: 'y', CopySource: 'src/doc.txt', CopySourceIfMatch: '"nope"' })), code('PreconditionFailed', 412));
      await assert.rejects(s3.send(new CopyObjectCommand({ Bucket: 'dst', Key: 'y', CopySource: 'src/missing' })), code('NoSuchKey', 404));
      await s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'doc.txt', Body: 'v2 longer' }));
      assert.equal(await text(s3, 'dst', 'x/doc.txt'), 'v1', 'a later write to the source leaves the copy alone');
      await s3.send(new PutObjectCommand({ Bucket: 'dst', Key: 'x/other', Body: 'o' }));
      const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: 'dst', Delete: { Objects: [{ Key: 'x/doc.txt' }, { Key: 'x/other' }, { Key: 'never-was' }, { Key: 'bad/../key' }] } }));
      assert.deepEqual(deleted.Deleted?.map((d) => d.Key).sort(), ['never-was', 'x/doc.txt', 'x/other']);
      assert.deepEqual(deleted.Errors?.map((e) => [e.Key, e.Code]), [['bad/../key', 'InvalidArgument']]);
      assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'dst' }))).KeyCount, 0);
    });
  });

  it('keys are paths: an object where a directory is (or under an object) is ObjectConflict; keys ending in / are directories', async () => {
    await withGateway(engine, async ({ s3, vol }) => {
      await s3.send(new CreateBucketCommand({ Bucket: 'paths' }));
      await s3.send(new PutObjectCommand({ Bucket: 'paths', Key: 'file', Body: 'f' }));
      await s3.send(new PutObjectCommand({ Bucket: 'paths', Key: 'dir/inside', Body: 'i' }));
      await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'paths', Key: 'file/under', Body: 'x' })), code('ObjectConflict', 409));
      await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'paths', Key: 'dir', Body: 'x' })), code('ObjectConflict', 409));
      await s3.send(new PutObjectCommand({ Bucket: 'paths', Key: 'folder/', Body: '' }));
      assert.ok((await vol.stat('/paths/folder')).isDirectory());
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'paths', Key: 'folder/' }))).ContentLength, 0);
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'paths', Key: 'folder' })), code('NotFound', 404), 'a directory is no object');
      const top = await s3.send(new ListObjectsV2Command({ Bucket: 'paths', Delimiter: '/' }));
      assert.deepEqual([top.Contents?.map((c) => c.Key), top.CommonPrefixes?.map((p) => p.Prefix)], [['file'], ['dir/', 'folder/']]);
      await s3.send(new PutObjectCommand({ Bucket: 'paths', Key: 'once', Body: 'first', IfNoneMatch: '*' }));
      await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'paths', Key: 'once', Body: 'second', IfNoneMatch: '*' })), code('PreconditionFailed', 412));
      await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'paths', Key: 'once', Body: 'third', IfMatch: '"x"' })), code('NotImplemented', 501));
      assert.equal((await vol.readFile('/paths/once')).toString(), 'first', 'If-None-Match: * creates only');
      assert.equal((await vol.readFile('/paths/file')).toString(), 'f', 'unchanged');
      assert.deepEqual(await vol.readdir('/.slicefs-staging/tmp'), [], 'refused uploads leave nothing staged');
    });
  });

  it('concurrent clients: parallel uploads to one key leave one whole body, to many keys all of them', async () => {
    await withGateway(engine, async ({ s3, vol }) => {
      await s3.send(new CreateBucketCommand({ Bucket: 'busy' }));
      const bodies = Array.from({ length: 12 }, (_, i) => Buffer.alloc(700_000 + i, i + 1));
      await Promise.all(bodies.map((Body, i) => Promise.all([
        s3.send(new PutObjectCommand({ Bucket: 'busy', Key: 'same', Body })),
        s3.send(new PutObjectCommand({ Bucket: 'busy', Key: `many/${i}`, Body })),
      ])));
      const same = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'busy', Key: 'same' }))).Body!.transformToByteArray());
      assert.ok(bodies.some((b) => b.equals(same)), 'one upload won, whole');
      for (const [i, b] of bodies.entries()) assert.ok((await vol.readFile(`/busy/many/${i}`)).equals(b));
      assert.deepEqual(await vol.readdir('/.slicefs-staging/tmp'), []);
    });
  });

  it('presigned GET and PUT URLs work for their lifetime and method only', async () => {
    await withGateway(engine, async ({ s3, endpoint }) => {
      await s3.send(new CreateBucketCommand({ Bucket: 'shared' }));
      const putUrl = await presignedUrl(endpoint, { method: 'PUT', path: '/shared/up%20load.txt' });
      assert.equal((await fetch(putUrl, { method: 'PUT', body: 'via presigned' })).status, 200);
      assert.equal(await text(s3, 'shared', 'up load.txt'), 'via presigned');
      const getUrl = await presignedUrl(endpoint, { method: 'GET', path: '/shared/up%20load.txt' });
      const got = await fetch(getUrl);
      assert.equal(got.status, 200);
      assert.equal(await got.text(), 'via presigned');
      assert.equal((await fetch(getUrl, { method: 'DELETE' })).status, 403, 'the method is signed');
      const old = await presignedUrl(endpoint, { method: 'GET', path: '/shared/up%20load.txt', expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
      const expired = await fetch(old);
      assert.equal(expired.status, 403);
      assert.match(await expired.text(), /<Code>AccessDenied<\/Code><Message>Request has expired/);
    });
  });

  it('streamed uploads of unknown length go aws-chunked (the SDK default checksums) and keep their bytes', async () => {
    await withGateway(engine, async ({ endpoint, vol }) => {
      const s3 = s3Client(endpoint, { requestChecksumCalculation: 'WHEN_SUPPORTED', responseChecksumValidation: 'WHEN_SUPPORTED' });
      try {
        await s3.send(new CreateBucketCommand({ Bucket: 'stream' }));
        const pieces = Array.from({ length: 40 }, (_, i) => Buffer.alloc(100_000, i));
        await s3.send(new PutObjectCommand({ Bucket: 'stream', Key: 's.bin', Body: Readable.from(pieces), ContentLength: 4_000_000 }));
        assert.ok((await vol.readFile('/stream/s.bin')).equals(Buffer.concat(pieces)));
        const got = await s3.send(new GetObjectCommand({ Bucket: 'stream', Key: 's.bin' }));
        assert.equal(Buffer.from(await got.Body!.transformToByteArray()).length, 4_000_000);
      } finally {
        s3.destroy();
      }
    });
  });
});
