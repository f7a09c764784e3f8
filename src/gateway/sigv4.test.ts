import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAwsChunked } from './aws-chunked.js';
import { S3Error } from './s3-error.js';
import { verifyRequest } from './sigv4.js';

// The examples of AWS's "Signature Version 4" documentation for S3 (header auth and chunked upload).
const credentials = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const now = Date.UTC(2013, 4, 24, 0, 1, 0);
const scope = 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';

const getObject = {
  method: 'GET',
  rawPath: '/test.txt',
  rawQuery: '',
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    range: 'bytes=0-9',
    'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'x-amz-date': '20130524T000000Z',
    authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
  },
};

const chunkedPut = {
  method: 'PUT',
  rawPath: '/examplebucket/chunkObject.txt',
  rawQuery: '',
  headers: {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9`,
  },
};

const chunkedBody = (lastSignature = 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9') => Buffer.concat([
  Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'),
  Buffer.alloc(65536, 'a'),
  Buffer.from('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'),
  Buffer.alloc(1024, 'a'),
  Buffer.from(`\r\n0;chunk-signature=${lastSignature}\r\n\r\n`),
]);

async function decodeAll(body: Buffer, pieceSize: number): Promise<Buffer> {
  const auth = verifyRequest(chunkedPut, { credentials, now });
  const pieces = async function* () {
    for (let at = 0; at < body.length; at += pieceSize) yield body.subarray(at, at + pieceSize);
  };
  const out: Buffer[] = [];
  for await (const p of decodeAwsChunked(pieces(), { auth, signed: true })) out.push(p);
  return Buffer.concat(out);
}

const s3Code = (code: string) => (err: unknown) => err instanceof S3Error && err.code === code;

describe('SigV4 against the AWS documentation examples', () => {
  it('verifies a header-signed GET, and refuses one changed header, another key or a skewed clock', () => {
    assert.equal(verifyRequest(getObject, { credentials, now }).scope, '20130524/us-east-1/s3/aws4_request');
    assert.throws(() => verifyRequest({ ...getObject, headers: { ...getObject.headers, range: 'bytes=0-10' } }, { credentials, now }), s3Code('SignatureDoesNotMatch'));
    assert.throws(() => verifyRequest(getObject, { credentials: { ...credentials, secretKey: 'x' }, now }), s3Code('SignatureDoesNotMatch'));
    assert.throws(() => verifyRequest(getObject, { credentials: { ...credentials, accessKey: 'OTHER' }, now }), s3Code('InvalidAccessKeyId'));
    assert.throws(() => verifyRequest(getObject, { credentials, now: now + 3_600_000 }), s3Code('RequestTimeTooSkewed'));
    assert.throws(() => verifyRequest({ ...getObject, headers: { host: 'h' } }, { credentials, now }), s3Code('AccessDenied'));
  });

  it('decodes the chunked upload example, verifying each chunk signature, whatever the network pieces', async () => {
    for (const size of [1, 7, 100, 4096, 70_000]) {
      const data = await decodeAll(chunkedBody(), size);
      assert.equal(data.length, 66560);
      assert.ok(data.equals(Buffer.alloc(66560, 'a')));
    }
  });

  it('refuses a tampered chunk, a wrong final signature and a truncated body', async () => {
    const tampered = chunkedBody();
    tampered[200] = 0x62;
    await assert.rejects(decodeAll(tampered, 4096), s3Code('SignatureDoesNotMatch'));
    await assert.rejects(decodeAll(chunkedBody('0'.repeat(64)), 4096), s3Code('SignatureDoesNotMatch'));
    await assert.rejects(decodeAll(chunkedBody().subarray(0, 50_000), 4096), s3Code('IncompleteBody'));
  });
});
