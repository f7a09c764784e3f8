import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FsError } from '../../../errors/index.js';
import { s3FsError } from './s3-error.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });
const where = { syscall: 'get', key: 'chunks/0/0/1_0_4', bucket: 'vols' };

test('S3 errors become errno in one function, keeping the SDK error as cause', () => {
  const cases: Array<[Error, string]> = [
    [sdkError('NoSuchKey', 404), 'ENOENT'],
    [sdkError('NotFound', 404), 'ENOENT'],
    [sdkError('Unknown', 404), 'ENOENT'],
    [sdkError('AccessDenied', 403), 'EACCES'],
    [sdkError('InvalidAccessKeyId', 403), 'EACCES'],
    [sdkError('CredentialsProviderError'), 'EACCES'],
    [sdkError('InternalError', 500), 'EIO'],
    [sdkError('SlowDown', 503), 'EIO'],
    [sdkError('InvalidArgument', 400), 'EIO'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'EIO'],
  ];
  for (const [err, code] of cases) {
    const e = s3FsError(err, where);
    assert.ok(e instanceof FsError);
    assert.equal(e.code, code, err.name);
    assert.equal(e.cause, err);
    assert.equal(e.path, where.key);
    assert.equal(e.syscall, 'get');
  }
  assert.match(s3FsError(sdkError('NoSuchBucket', 404), where).message, /bucket 'vols' does not exist/);
  assert.match(s3FsError(sdkError('CredentialsProviderError'), where).message, /AWS_ACCESS_KEY_ID/);
  assert.match(s3FsError(sdkError('InternalError', 500), where).message, /InternalError 500/);
});
