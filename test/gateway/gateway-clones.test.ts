import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { testEngines } from '../../src/meta/testing/test-engines.js';
import { checkVolume, type Volume } from '../../src/sdk/index.js';
import { countObjects } from '../support/tree.js';
import { withGateway } from './gateway-harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const mark = (i: number) => Buffer.alloc(64 * 1024, 65 + i);
const code = (expected: string) => (err: unknown) => ((err as { Code?: string; name?: string }).Code ?? (err as { name?: string }).name) === expected;

/** A 10 GiB file: 64 KiB written at each GiB, holes between. */
async function bigFile(vol: Volume, path: string): Promise<void> {
  const f = await vol.open(path, 'w');
  for (let i = 0; i < 10; i++) await f.write(mark(i), 0, 64 * 1024, i * GiB);
  await f.truncate(10 * GiB);
  await f.close();
}

async function range(s3: S3Client, spec: { Bucket: string; Key: string; from: number; length: number }): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: spec.Bucket, Key: spec.Key, Range: `bytes=${spec.from}-${spec.from + spec.length - 1}` }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

for (const engine of testEngines().slice(0, 2)) {
  describe(`S3 gateway copies are clones [${engine.name}]`, () => {
    it('CopyObject of a 10 GiB object writes no object and does not grow the heap', async () => {
      await withGateway(engine, async ({ s3, vol, storageDir }) => {
        await s3.send(new CreateBucketCommand({ Bucket: 'big' }));
        await s3.send(new CreateBucketCommand({ Bucket: 'other' }));
        await bigFile(vol, '/big/huge.bin');
        await vol.settle();
        const objects = countObjects(storageDir);
        const before = heap();
        await s3.send(new CopyObjectCommand({ Bucket: 'other', Key: 'copies/huge.bin', CopySource: 'big/huge.bin' }));
        const grown = heap() - before;
        assert.ok(grown < 16 * MiB, `heap grew by ${grown} bytes`);
        await vol.settle();
        assert.equal(countObjects(storageDir), objects, 'no block written');
        assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'other', Key: 'copies/huge.bin' }))).ContentLength, 10 * GiB);
        assert.ok((await range(s3, { Bucket: 'other', Key: 'copies/huge.bin', from: 7 * GiB, length: 64 * 1024 })).equals(mark(7)));
        assert.ok((await range(s3, { Bucket: 'other', Key: 'copies/huge.bin', from: 7 * GiB + 64 * 1024, length: 16 })).equals(Buffer.alloc(16)));
      });
    });

    it('multipart: UploadPartCopy shares ranges, Complete joins parts by slice records, ListParts/ListMultipartUploads/Abort', async () => {
      await withGateway(engine, async ({ s3, vol, storageDir }) => {
        await s3.send(new CreateBucketCommand({ Bucket: 'mpu' }));
        await bigFile(vol, '/mpu/source.bin');
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'joined/result.bin', ContentType: 'application/x-joined', Metadata: { k: 'v' } }));
        const part1 = await s3.send(new UploadPartCopyCommand({ Bucket: 'mpu', Key: 'joined/result.bin', UploadId, PartNumber: 1, CopySource: 'mpu/source.bin', CopySourceRange: `bytes=0-${5 * GiB - 1}` }));
        const data = Buffer.alloc(6 * MiB, 7);
        const part2 = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'joined/result.bin', UploadId, PartNumber: 2, Body: data }));
        const part3 = await s3.send(new UploadPartCopyCommand({ Bucket: 'mpu', Key: 'joined/result.bin', UploadId, PartNumber: 3, CopySource: 'mpu/source.bin', CopySourceRange: `bytes=${9 * GiB}-${10 * GiB - 1}` }));
        const parts = await s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'joined/result.bin', UploadId }));
        assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, 5 * GiB], [2, 6 * MiB], [3, GiB]]);
        const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }));
        assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [['joined/result.bin', UploadId]]);
        await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'joined/result.bin' })), code('NotFound'), 'invisible until complete');
        const list = [
          { PartNumber: 1, ETag: part1.CopyPartResult!.ETag },
          { PartNumber: 2, ETag: part2.ETag },
          { PartNumber: 3, ETag: part3.CopyPartResult!.ETag },
        ];
        await assert.rejects(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'joined/result.bin', UploadId, MultipartUpload: { Parts: [list[1]!, list[0]!] } })), code('InvalidPartOrder'));
        await assert.rejects(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'joined/result.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00"' }] } })), code('InvalidPart'));
        await vol.settle();
        const objects = countObjects(storageDir);
        const before = heap();
        const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'joined/result.bin', UploadId, MultipartUpload: { Parts: list } }));
        assert.ok(heap() - before < 16 * MiB);
        assert.match(done.ETag!, /^"[0-9a-f]{32}-3"$/);
        await vol.settle();
        assert.equal(countObjects(storageDir), objects, 'Complete copies no data');
        const head = await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'joined/result.bin' }));
        assert.equal(head.ContentLength, 6 * GiB + 6 * MiB);
        assert.equal(head.ContentType, 'application/x-joined');
        assert.deepEqual(head.Metadata, { k: 'v' });
        assert.equal(head.ETag, done.ETag);
        assert.ok((await range(s3, { Bucket: 'mpu', Key: 'joined/result.bin', from: 4 * GiB, length: 64 * 1024 })).equals(mark(4)));
        assert.ok((await range(s3, { Bucket: 'mpu', Key: 'joined/result.bin', from: 5 * GiB - 8, length: 16 })).equals(Buffer.concat([Buffer.alloc(8), Buffer.alloc(8, 7)])));
        assert.ok((await range(s3, { Bucket: 'mpu', Key: 'joined/result.bin', from: 5 * GiB + 6 * MiB, length: 64 * 1024 })).equals(mark(9)));
        assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }))).Uploads, undefined, 'the upload is gone');

        const small = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'small' }));
        const p1 = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'small', UploadId: small.UploadId, PartNumber: 1, Body: 'tiny' }));
        const p2 = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'small', UploadId: small.UploadId, PartNumber: 2, Body: 'tail' }));
        await assert.rejects(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'small', UploadId: small.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } })), code('EntityTooSmall'));
        await s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'small', UploadId: small.UploadId }));
        await assert.rejects(s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'small', UploadId: small.UploadId })), code('NoSuchUpload'));
        await assert.rejects(s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'small', UploadId: small.UploadId, PartNumber: 3, Body: 'x' })), code('NoSuchUpload'));
        assert.deepEqual(await vol.readdir('/.slicefs-staging/tmp'), [], 'nothing left staged');
        assert.deepEqual(await vol.readdir('/.slicefs-staging/multipart'), []);
        assert.deepEqual((await checkVolume(vol)).problems, []);
      });
    });
  });
}
