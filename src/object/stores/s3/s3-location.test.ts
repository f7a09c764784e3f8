import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodedError } from '../../../errors/index.js';
import { parseS3Location } from './s3-location.js';

const badUrl = (e: unknown) => e instanceof CodedError && e.code === 'ERR_BAD_URL';

test('an s3:// URL names bucket, prefix, endpoint, region, path style and keys', () => {
  const l = parseS3Location('s3://AKID:se%2Fcret@my-bucket/vol/one?endpoint=http://127.0.0.1:9000&region=eu-west-3&max-sockets=8');
  assert.deepEqual(
    { ...l },
    {
      bucket: 'my-bucket', prefix: 'vol/one/', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-3', pathStyle: true,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'se/cret' }, maxSockets: 8,
      displayUrl: 's3://AKID:***@my-bucket/vol/one?endpoint=http://127.0.0.1:9000&region=eu-west-3&max-sockets=8',
    },
  );
  const aws = parseS3Location('s3://data.example/');
  assert.equal(aws.prefix, '');
  assert.equal(aws.endpoint, undefined);
  assert.equal(aws.pathStyle, false, 'AWS gets virtual-hosted addressing');
  assert.equal(aws.credentials, undefined, 'keys come from the SDK default chain');
  assert.equal(parseS3Location('s3://b12?endpoint=http://h:1&path-style=false').pathStyle, false);
});

test('a bad s3:// URL is a coded error that never shows the secret', () => {
  for (const url of [
    's3://UP/x', 's3://ab', 's3://bucket?pathstyle=true', 's3://bucket?path-style=maybe', 's3://bucket?endpoint=ftp://x',
    's3://bucket?max-sockets=0', 's3://k:topsecret@Bad_Bucket',
  ]) {
    assert.throws(() => parseS3Location(url), (e: unknown) => badUrl(e) && !(e as Error).message.includes('topsecret'), url);
  }
});
