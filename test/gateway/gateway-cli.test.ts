import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { Agent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { checkVolume, Volume } from '../../src/sdk/index.js';
import { slicefs } from '../support/cli.js';
import { tempVolume } from '../support/temp-volume.js';
import { CREDENTIALS, s3Client } from './gateway-harness.js';
import { startGatewayProcess } from './gateway-process.js';
import { signed } from './signed-request.js';

/** `length` bytes, byte i being (i * 7) % 256 (a loop: Array.from of 20 Mi numbers takes a second). */
function sevens(length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (i * 7) % 256;
  return b;
}

/** Debian's awscli (v2), path-style, with the test credentials and a config of its own. */
function awsCli(endpoint: string, dir: string) {
  const config = path.join(dir, 'aws-config');
  writeFileSync(config, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
  return (args: string[], input?: string) => {
    const r = spawnSync('/usr/bin/aws', ['--endpoint-url', endpoint, ...args], {
      encoding: 'utf8',
      input,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH, HOME: dir, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKey, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretKey, AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '',
      },
    });
    assert.equal(r.status, 0, `aws ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
}

describe('slicefs gateway (the command)', () => {
  it('serves the aws CLI: mb, cp up and down (multipart above 8 MiB), ls, head-object, presign, rm, rb; one access line per request', async () => {
    const tv = await tempVolume();
    const gw = await startGatewayProcess(tv.metaUrl);
    try {
      const aws = awsCli(gw.endpoint, tv.dir);
      aws(['s3', 'mb', 's3://cli-bucket']);
      const small = path.join(tv.dir, 'small.txt');
      const large = path.join(tv.dir, 'large.bin');
      writeFileSync(small, 'hello from the aws cli\n');
      writeFileSync(large, sevens(20 * 1024 * 1024));
      aws(['s3', 'cp', small, 's3://cli-bucket/docs/small.txt', '--content-type', 'text/plain']);
      aws(['s3', 'cp', large, 's3://cli-bucket/data/large.bin']);
      const listed = aws(['s3', 'ls', '--recursive', 's3://cli-bucket/']);
      assert.match(listed, /\s23 docs\/small\.txt/);
      assert.match(listed, /\s20971520 data\/large\.bin/);
      assert.match(aws(['s3', 'ls', 's3://cli-bucket/']), /PRE data\/\n.*PRE docs\//s);
      const back = path.join(tv.dir, 'back.bin');
      aws(['s3', 'cp', 's3://cli-bucket/data/large.bin', back]);
      assert.ok(readFileSync(back).equals(readFileSync(large)), 'the large file comes back whole');
      const head = JSON.parse(aws(['s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'docs/small.txt'])) as { ContentType: string; ETag: string };
      assert.equal(head.ContentType, 'text/plain');
      const url = aws(['s3', 'presign', 's3://cli-bucket/docs/small.txt']).trim();
      assert.equal(await (await fetch(url)).text(), 'hello from the aws cli\n');
      const vol = await tv.open();
      try {
        assert.match((await vol.stat('/cli-bucket/data/large.bin')).size.toString(), /^20971520$/);
      } finally {
        await vol.close();
      }
      aws(['s3', 'rm', '--recursive', 's3://cli-bucket/']);
      aws(['s3', 'rb', 's3://cli-bucket']);
      assert.doesNotMatch(aws(['s3', 'ls']), /cli-bucket/);
      const accessLines = gw.stderr().split('\n').filter((l) => / \d{3} (-|[A-Za-z]+) \S+ [\d.]+ms [0-9A-F]{16}$/.test(l));
      assert.ok(accessLines.length >= 12, `access lines: ${accessLines.length}`);
      assert.ok(accessLines.some((l) => /POST \/cli-bucket\/data\/large\.bin\?uploads 200/.test(l)), 'the aws CLI used multipart');
    } finally {
      gw.child.kill('SIGKILL');
      await gw.exited;
      tv.remove();
    }
  });

  it('SIGTERM: refuses new connections, lets the upload under way finish, then exits 0', async () => {
    const tv = await tempVolume();
    const gw = await startGatewayProcess(tv.metaUrl);
    try {
      const s3 = s3Client(gw.endpoint);
      await s3.send(new CreateBucketCommand({ Bucket: 'term' }));
      s3.destroy();
      const s = await signed(gw.endpoint, { method: 'PUT', path: '/term/late.bin', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '2000000', expect: '100-continue' } });
      const url = new URL(gw.endpoint);
      const req = request({ host: url.hostname, port: url.port, method: 'PUT', path: s.path, headers: s.headers, agent: false });
      const answered = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
      });
      await new Promise<void>((resolve) => req.once('continue', resolve)); // the gateway is handling it
      req.write(Buffer.alloc(1_000_000, 5));
      gw.child.kill('SIGTERM');
      await gw.waitFor(/SIGTERM: finishing requests under way/);
      await assert.rejects(fetch(`${gw.endpoint}/`), 'no new connection once stopping');
      req.end(Buffer.alloc(1_000_000, 6));
      assert.equal(await answered, 200);
      assert.equal(await gw.exited, 0);
      assert.match(gw.stderr(), /PUT \/term\/late\.bin 200 /);
      const vol = await tv.open();
      try {
        const data = await vol.readFile('/term/late.bin');
        assert.ok(data.equals(Buffer.concat([Buffer.alloc(1_000_000, 5), Buffer.alloc(1_000_000, 6)])));
      } finally {
        await vol.close();
      }
    } finally {
      gw.child.kill('SIGKILL');
      tv.remove();
    }
  });

  it('--metrics: serves its requests by operation and status, its object store requests and its --cache-dir, at /metrics', async () => {
    const tv = await tempVolume();
    const gw = await startGatewayProcess(tv.metaUrl, ['--metrics', '127.0.0.1:0', '--cache-dir', path.join(tv.dir, 'cache')]);
    const client = s3Client(gw.endpoint);
    try {
      const [, url] = await gw.waitFor(/metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/);
      const scrape = async () => (await fetch(url!)).text();
      assert.doesNotMatch(await scrape(), /slicefs_gateway_requests_total\{/, 'no request counted yet');
      await client.send(new CreateBucketCommand({ Bucket: 'counted' }));
      await client.send(new PutObjectCommand({ Bucket: 'counted', Key: 'k', Body: Buffer.alloc(10_000, 1) })); // above the inline size
      await assert.rejects(client.send(new GetObjectCommand({ Bucket: 'counted', Key: 'missing' })));
      const text = await scrape();
      assert.match(text, /^slicefs_gateway_requests_total\{operation="CreateBucket",status="200"\} 1$/m);
      assert.match(text, /^slicefs_gateway_requests_total\{operation="PutObject",status="200"\} 1$/m);
      assert.match(text, /^slicefs_gateway_requests_total\{operation="GetObject",status="404"\} 1$/m);
      assert.match(text, /^slicefs_gateway_request_duration_seconds_count\{operation="PutObject"\} 1$/m);
      assert.match(text, /^slicefs_object_requests_total\{method="put"\} [1-9]/m, 'the object went to the store');
      assert.match(text, /^slicefs_meta_transactions_total\{kind="write"\} [1-9]/m);
      assert.match(text, /^slicefs_disk_cache_written_bytes_total 10000$/m, 'the object put was kept in the disk cache');
    } finally {
      client.destroy();
      gw.child.kill('SIGKILL');
      await gw.exited;
      tv.remove();
    }
  });

  it('--uid/--gid: requests act as that POSIX identity', async () => {
    const tv = await tempVolume();
    const root = await startGatewayProcess(tv.metaUrl);
    const user = await startGatewayProcess(tv.metaUrl, ['--uid', '1000', '--gid', '1000']);
    try {
      const asRoot = s3Client(root.endpoint);
      const asUser = s3Client(user.endpoint);
      await asRoot.send(new CreateBucketCommand({ Bucket: 'rootonly' }));
      await assert.rejects(asUser.send(new PutObjectCommand({ Bucket: 'rootonly', Key: 'f', Body: 'x' })), (e: Error & { $metadata: { httpStatusCode: number } }) => e.name === 'AccessDenied' && e.$metadata.httpStatusCode === 403);
      await asRoot.send(new PutObjectCommand({ Bucket: 'rootonly', Key: 'f', Body: 'x' }));
      await asUser.send(new HeadObjectCommand({ Bucket: 'rootonly', Key: 'f' }));
      await assert.rejects(asUser.send(new CreateBucketCommand({ Bucket: 'mine' })), (e: Error) => e.name === 'AccessDenied', 'the root directory is root 0755');
      await asRoot.send(new CreateBucketCommand({ Bucket: 'shared' }));
      const vol = await Volume.open(tv.metaUrl);
      try {
        await vol.chmod('/shared', 0o777);
        await asUser.send(new PutObjectCommand({ Bucket: 'shared', Key: 'd/f', Body: 'mine' }));
        const st = await vol.stat('/shared/d/f');
        assert.deepEqual([st.uid, st.gid], [1000, 1000]);
        assert.deepEqual([(await vol.stat('/shared/d')).uid, (await vol.stat('/shared/d')).mode & 0o777], [1000, 0o755], 'made with the default umask 022');
        assert.equal((await vol.stat('/rootonly/f')).uid, 0);
      } finally {
        await vol.close();
        asRoot.destroy();
        asUser.destroy();
      }
    } finally {
      root.child.kill('SIGKILL');
      user.child.kill('SIGKILL');
      await Promise.all([root.exited, user.exited]);
      tv.remove();
    }
  });

  it('--tls-cert/--tls-key: HTTPS that a client verifying the certificate accepts', async () => {
    const tv = await tempVolume();
    const [cert, key] = [path.join(tv.dir, 'cert.pem'), path.join(tv.dir, 'key.pem')];
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const gw = await startGatewayProcess(tv.metaUrl, ['--tls-cert', cert, '--tls-key', key]);
    try {
      assert.match(gw.endpoint, /^https:/);
      const s3 = s3Client(gw.endpoint, { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: readFileSync(cert) }) }) });
      await s3.send(new CreateBucketCommand({ Bucket: 'secure' }));
      await s3.send(new PutObjectCommand({ Bucket: 'secure', Key: 'k', Body: 'over tls' }));
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'secure', Key: 'k' }))).Body!.transformToString(), 'over tls');
      s3.destroy();
      await assert.rejects(fetch(gw.endpoint.replace('https:', 'http:')), 'no plain HTTP');
    } finally {
      gw.child.kill('SIGTERM');
      assert.equal(await gw.exited, 0);
      tv.remove();
    }
  });

  it('an upload left by a killed gateway: slicefs gc finds and removes it (and multipart uploads older than --threshold), and so does the next gateway', async () => {
    const tv = await tempVolume();
    const gw = await startGatewayProcess(tv.metaUrl);
    const s3 = s3Client(gw.endpoint);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'left' }));
      await s3.send(new CreateMultipartUploadCommand({ Bucket: 'left', Key: 'never-completed' }));
    } finally {
      s3.destroy();
      gw.child.kill('SIGKILL');
      await gw.exited;
    }
    // What a gateway killed mid-upload leaves: a file in tmp/ named after its (now dead) session.
    const leave = async (name: string) => {
      const vol = await tv.open();
      try {
        await vol.writeFile(`/.slicefs-staging/tmp/${name}`, Buffer.alloc(300_000, 1));
      } finally {
        await vol.close();
      }
    };
    try {
      await leave('999999-0123456789abcdef01234567');
      const report = slicefs(['gc', tv.metaUrl]);
      assert.equal(report.code, 0, report.err);
      assert.match(report.out, /staged uploads: +1 left by stopped servers, 0 multipart older than 24h\n/);
      const removed = slicefs(['gc', tv.metaUrl, '--delete', '--threshold', '0']);
      assert.match(removed.out, /staged uploads: +1 left by stopped servers, 1 multipart older than 0, 2 removed\n/);
      const vol = await tv.open();
      try {
        assert.deepEqual(await vol.readdir('/.slicefs-staging/tmp'), []);
        assert.deepEqual(await vol.readdir('/.slicefs-staging/multipart'), [], 'the abandoned multipart upload went too');
        assert.deepEqual((await checkVolume(vol)).problems, []);
      } finally {
        await vol.close();
      }
      await leave('999998-0123456789abcdef01234567');
      const next = await startGatewayProcess(tv.metaUrl);
      next.child.kill('SIGTERM');
      assert.equal(await next.exited, 0);
      assert.match(next.stderr(), /removed 1 unfinished upload\(s\) left by servers that stopped/);
    } finally {
      tv.remove();
    }
  });
});
