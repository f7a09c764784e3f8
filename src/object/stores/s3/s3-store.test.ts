import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { FsError } from '../../../errors/index.js';
import { openObjectStore } from '../../registry.js';
import { sharedS3Server } from '../../testing/test-stores.js';
import { createS3Client } from './s3-client.js';
import { parseS3Location } from './s3-location.js';

const code = (c: string) => (e: unknown) => e instanceof FsError && e.code === c;

/** What a scripted answer does: status, headers, body; `cut` sends fewer body bytes than promised. */
interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  cut?: boolean;
}

/** An HTTP server that answers S3 requests from a script, counting requests and connections. */
async function scriptedServer() {
  const state = { requests: 0, connections: 0, active: 0, maxActive: 0, script: [] as Answer[], fallback: { status: 200 } as Answer };
  const server = http.createServer((req, res) => {
    state.requests++;
    state.maxActive = Math.max(state.maxActive, ++state.active);
    req.resume();
    req.on('end', () => {
      const a = state.script.shift() ?? state.fallback;
      setTimeout(() => {
        state.active--;
        const body = Buffer.from(a.body ?? '');
        res.writeHead(a.status, { 'content-length': String(body.length), ...a.headers });
        if (a.cut) {
          res.write(body.subarray(0, body.length >> 1));
          res.destroy();
        } else res.end(req.method === 'HEAD' ? undefined : body);
      }, 15);
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, endpoint, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const xmlError = (name: string, status: number): Answer => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${name}</Code><Message>${name} says no</Message></Error>`,
});

describe('s3 store over HTTP, against a scripted server', () => {
  let srv: Awaited<ReturnType<typeof scriptedServer>>;
  before(async () => (srv = await scriptedServer()));
  after(() => srv.close());
  const open = (params = '') => openObjectStore(`s3://k:s@bucket/?endpoint=${srv.endpoint}${params}`);
  const reset = () => Object.assign(srv.state, { requests: 0, connections: 0, maxActive: 0, script: [], fallback: { status: 200 } });

  test('keeps connections alive and never opens more than max-sockets of them', async () => {
    reset();
    const store = await open('&max-sockets=3');
    try {
      await Promise.all(Array.from({ length: 24 }, (_, i) => store.put(`k${i}`, Buffer.from('data'))));
      assert.equal(srv.state.requests, 24);
      assert.ok(srv.state.maxActive <= 3, `${srv.state.maxActive} requests at once`);
      assert.ok(srv.state.connections <= 3, `${srv.state.connections} connections`);
    } finally {
      await store.close();
    }
  });

  test('retries throttling, 5xx and cut bodies, invisibly', async () => {
    reset();
    const store = await open();
    try {
      srv.state.script = [xmlError('SlowDown', 503), xmlError('InternalError', 500), { status: 429 }];
      await store.put('a', Buffer.from('x'));
      assert.equal(srv.state.requests, 4);
      srv.state.script = [{ status: 200, body: '0123456789', cut: true }, { status: 200, body: '0123456789' }];
      assert.equal((await store.get('b')).toString(), '0123456789');
      assert.equal(srv.state.requests, 6);
    } finally {
      await store.close();
    }
  });

  test('does not retry other 4xx answers, and maps them to errno', async () => {
    reset();
    const store = await open();
    try {
      srv.state.script = [xmlError('AccessDenied', 403)];
      await assert.rejects(store.put('a', Buffer.from('x')), code('EACCES'));
      srv.state.script = [xmlError('NoSuchKey', 404)];
      await assert.rejects(store.get('a'), code('ENOENT'));
      srv.state.script = [xmlError('InvalidArgument', 400)];
      await assert.rejects(store.delete('a'), (e: unknown) => code('EIO')(e) && /InvalidArgument 400/.test((e as Error).message));
      srv.state.script = [{ status: 404 }];
      assert.equal(await store.head('a'), undefined);
      assert.equal(srv.state.requests, 4, 'one request each');
    } finally {
      await store.close();
    }
  });

  test('gives up after a bounded number of attempts with EIO', async () => {
    reset();
    const store = await open('&retries=2');
    try {
      srv.state.fallback = xmlError('ServiceUnavailable', 503);
      await assert.rejects(store.get('a'), (e: unknown) => code('EIO')(e) && /gave up after 3 attempts/.test((e as Error).message));
      assert.equal(srv.state.requests, 3);
    } finally {
      await store.close();
    }
  });
});

describe('s3 store against s3rver', () => {
  test('a missing bucket is ENOENT naming it, until createBucket makes it', async () => {
    const { endpoint } = await sharedS3Server();
    const store = await openObjectStore(`s3://S3RVER:S3RVER@missing-${process.pid}/v?endpoint=${endpoint}`);
    try {
      await assert.rejects(store.put('x', Buffer.from('x')), (e: unknown) => code('ENOENT')(e) && /bucket 'missing-\d+' does not exist/.test(String(e)));
      await store.createBucket!();
      await store.put('x', Buffer.from('x'));
      assert.deepEqual(await store.head('x'), { key: 'x', size: 1 });
    } finally {
      await store.close();
    }
  });

  test('unknown keys are EACCES (s3rver knows only S3RVER)', async () => {
    const { endpoint } = await sharedS3Server();
    const store = await openObjectStore(`s3://intruder:nope@any-bucket?endpoint=${endpoint}`);
    try {
      await assert.rejects(store.put('x', Buffer.from('x')), code('EACCES'));
    } finally {
      await store.close();
    }
  });

  test('DeleteObjects goes out with Content-MD5, not the CRC32 headers older stores refuse', async () => {
    const { endpoint } = await sharedS3Server();
    const bucket = `md5-${process.pid}`;
    const store = await openObjectStore(`s3://S3RVER:S3RVER@${bucket}?endpoint=${endpoint}`);
    await store.createBucket!();
    await store.close();
    const client = createS3Client(parseS3Location(`s3://S3RVER:S3RVER@${bucket}?endpoint=${endpoint}`));
    const seen: Record<string, string>[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        seen.push({ ...(args as { request: { headers: Record<string, string> } }).request.headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'spy', priority: 'low' },
    );
    try {
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'a' }] } }));
      const headers = seen[0]!;
      assert.match(headers['content-md5'] ?? '', /^[A-Za-z0-9+/]{22}==$/);
      assert.deepEqual(Object.keys(headers).filter((h) => h.startsWith('x-amz-checksum') || h.startsWith('x-amz-sdk-checksum')), []);
    } finally {
      client.destroy();
    }
  });
});
