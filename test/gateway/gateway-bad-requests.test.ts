import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'node:http';
import { CreateBucketCommand, CreateMultipartUploadCommand, ListPartsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { testEngines } from '../../src/meta/testing/test-engines.js';
import type { Volume } from '../../src/sdk/index.js';
import { CREDENTIALS, s3Client, withGateway } from './gateway-harness.js';
import { chunkedPut, send, sendSigned, signed } from './signed-request.js';

const engine = testEngines()[0]!;
const errorCode = (body: string) => /<Code>([^<]+)<\/Code>/.exec(body)?.[1];

/** Every path of the volume with its size (the staging area's directories included), to show nothing changed. */
async function snapshot(vol: Volume, dir = '/'): Promise<string[]> {
  const out: string[] = [];
  for (const e of await vol.readdir(dir, { withFileTypes: true })) {
    const p = `${dir === '/' ? '' : dir}/${e.name}`;
    if (e.isDirectory()) out.push(`${p}/`, ...(await snapshot(vol, p)));
    else out.push(`${p} ${(await vol.stat(p)).size}`);
  }
  return out;
}

async function setUp(s3: S3Client): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: 'safe' }));
  await s3.send(new PutObjectCommand({ Bucket: 'safe', Key: 'keep/me.txt', Body: 'kept' }));
}

describe('S3 gateway: bad requests get the S3 error and change nothing', () => {
  it('signatures: wrong secret, unknown key, anonymous, tampered aws-chunked chunk, bad payload hash', async () => {
    await withGateway(engine, async ({ s3, endpoint, vol }) => {
      await setUp(s3);
      const before = await snapshot(vol);
      const wrong = s3Client(endpoint, { credentials: { accessKeyId: CREDENTIALS.accessKey, secretAccessKey: 'not-the-secret' } });
      await assert.rejects(wrong.send(new PutObjectCommand({ Bucket: 'safe', Key: 'x', Body: 'x' })), (e: Error & { $metadata: { httpStatusCode: number } }) => e.name === 'SignatureDoesNotMatch' && e.$metadata.httpStatusCode === 403);
      wrong.destroy();
      const stranger = s3Client(endpoint, { credentials: { accessKeyId: 'nobody', secretAccessKey: CREDENTIALS.secretKey } });
      await assert.rejects(stranger.send(new PutObjectCommand({ Bucket: 'safe', Key: 'x', Body: 'x' })), (e: Error) => e.name === 'InvalidAccessKeyId');
      stranger.destroy();
      const anonymous = await send(endpoint, { method: 'PUT', path: '/safe/x', headers: { 'content-length': '1' }, body: 'x' });
      assert.deepEqual([anonymous.status, errorCode(anonymous.body)], [403, 'AccessDenied']);
      const tampered = await chunkedPut(endpoint, { path: '/safe/chunked', data: Buffer.alloc(200_000, 3), chunkSize: 65536, tamper: true });
      assert.deepEqual([tampered.status, errorCode(tampered.body)], [403, 'SignatureDoesNotMatch']);
      const short = await chunkedPut(endpoint, { path: '/safe/chunked', data: Buffer.alloc(100_000, 3), chunkSize: 65536, declaredLength: 100_001 });
      assert.deepEqual([short.status, errorCode(short.body)], [400, 'IncompleteBody'], 'a decoded length that differs from the body');
      const s = await signed(endpoint, { method: 'PUT', path: '/safe/hashed', body: 'the signed body' });
      const swapped = await send(endpoint, { method: 'PUT', path: s.path, headers: s.headers, body: 'another body!!!' });
      assert.deepEqual([swapped.status, errorCode(swapped.body)], [400, 'XAmzContentSHA256Mismatch']);
      const md5 = await sendSigned(endpoint, { method: 'PUT', path: '/safe/md5', headers: { 'content-md5': Buffer.alloc(16).toString('base64') }, body: 'data' });
      assert.deepEqual([md5.status, errorCode(md5.body)], [400, 'BadDigest']);
      assert.deepEqual(await snapshot(vol), before);
      const good = await chunkedPut(endpoint, { path: '/safe/chunked', data: Buffer.alloc(200_000, 3), chunkSize: 65536 });
      assert.equal(good.status, 200, good.body);
      assert.ok((await vol.readFile('/safe/chunked')).equals(Buffer.alloc(200_000, 3)), 'signed aws-chunked bodies are decoded');
    });
  });

  it("keys: '../', '.', NUL, empty components, over-long names and keys", async () => {
    await withGateway(engine, async ({ s3, endpoint, vol }) => {
      await setUp(s3);
      const before = await snapshot(vol);
      const cases: Array<[string, number, string]> = [
        ['/safe/../escape', 400, 'InvalidArgument'],
        ['/safe/a/../../escape', 400, 'InvalidArgument'],
        ['/safe/%2E%2E/escape', 400, 'InvalidArgument'],
        ['/safe/./x', 400, 'InvalidArgument'],
        ['/safe/a%00b', 400, 'InvalidArgument'],
        ['/safe/a//b', 400, 'InvalidArgument'],
        ['/safe/bad%ZZescape', 400, 'InvalidArgument'],
        [`/safe/${'n'.repeat(256)}`, 400, 'KeyTooLongError'],
        [`/safe/${'abc/'.repeat(256)}x`, 400, 'KeyTooLongError'],
        ['/Bad_Bucket/x', 404, 'NoSuchBucket'],
        ['/.slicefs-staging/tmp/x', 404, 'NoSuchBucket'],
      ];
      for (const [path, status, code] of cases) {
        const put = await sendSigned(endpoint, { method: 'PUT', path, body: 'evil' });
        assert.deepEqual([put.status, errorCode(put.body)], [status, code], `PUT ${path}: ${put.body}`);
      }
      const mkBad = await sendSigned(endpoint, { method: 'PUT', path: '/Bad_Bucket' });
      assert.deepEqual([mkBad.status, errorCode(mkBad.body)], [400, 'InvalidBucketName']);
      const copy = await sendSigned(endpoint, { method: 'PUT', path: '/safe/copy', headers: { 'x-amz-copy-source': '/safe/keep/../../etc/passwd' } });
      assert.deepEqual([copy.status, errorCode(copy.body)], [400, 'InvalidArgument']);
      assert.deepEqual(await snapshot(vol), before);
    });
  });

  it('malformed XML, unsupported operations and headers, an upload cut off mid-body', async () => {
    await withGateway(engine, async ({ s3, endpoint, vol, logged }) => {
      await setUp(s3);
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'safe', Key: 'mp' }));
      const before = await snapshot(vol);
      for (const body of ['<Delete><Object><Key>keep/me.txt</Key></Object>', '<Delete><Object><Key>keep/me.txt</Key></Object></Delet>', 'not xml', '<!DOCTYPE x [<!ENTITY e "x">]><Delete/>', '<Delete></Delete>']) {
        const del = await sendSigned(endpoint, { method: 'POST', path: '/safe', query: { delete: '' }, body });
        assert.deepEqual([del.status, errorCode(del.body)], [400, 'MalformedXML'], body);
      }
      const complete = await sendSigned(endpoint, { method: 'POST', path: '/safe/mp', query: { uploadId: UploadId! }, body: '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>' });
      assert.deepEqual([complete.status, errorCode(complete.body)], [400, 'MalformedXML']);
      assert.ok((await s3.send(new ListPartsCommand({ Bucket: 'safe', Key: 'mp', UploadId }))).UploadId, 'the upload is still there');
      for (const [method, query, headers] of [
        ['GET', { acl: '' }, {}], ['PUT', { tagging: '' }, {}], ['GET', { versioning: '' }, {}],
        ['PUT', {}, { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' }], ['PUT', {}, { 'x-amz-acl': 'public-read' }],
      ] as Array<[string, Record<string, string>, Record<string, string>]>) {
        const answer = await sendSigned(endpoint, { method, path: '/safe/keep/me.txt', query, headers, body: method === 'PUT' ? 'x' : undefined });
        assert.deepEqual([answer.status, errorCode(answer.body)], [501, 'NotImplemented'], `${method} ${JSON.stringify(query)} ${JSON.stringify(headers)}`);
      }
      assert.deepEqual(await snapshot(vol), before);
      // A PUT whose client goes away after half the body: no object, nothing left staged.
      const s = await signed(endpoint, { method: 'PUT', path: '/safe/cut', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '2000000' } });
      const url = new URL(endpoint);
      const cut = request({ host: url.hostname, port: url.port, method: 'PUT', path: s.path, headers: s.headers });
      cut.on('error', () => undefined);
      cut.write(Buffer.alloc(1_000_000, 1), () => cut.destroy());
      assert.match(await logged(/ PUT \/safe\/cut /), / (400|500) IncompleteBody /);
      assert.deepEqual(await snapshot(vol), before);
      assert.deepEqual(await vol.readdir('/.slicefs-staging/tmp'), []);
    });
  });
});
