import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { curl } from './support/dav-server.js';
import { tempVolume } from './support/temp-volume.js';

/** Lines of a stream, awaited one pattern at a time (a handshake on what the process says). */
function lineWaiter(stream: NodeJS.ReadableStream) {
  const lines: string[] = [];
  let waiting: { re: RegExp; resolve: (m: RegExpExecArray) => void } | undefined;
  createInterface({ input: stream }).on('line', (line) => {
    lines.push(line);
    const m = waiting?.re.exec(line);
    if (m && waiting) {
      const w = waiting;
      waiting = undefined;
      w.resolve(m);
    }
  });
  return {
    lines,
    next(re: RegExp): Promise<RegExpExecArray> {
      for (const line of lines) {
        const m = re.exec(line);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve) => (waiting = { re, resolve }));
    },
  };
}

describe('slicefs webdav (the command)', () => {
  it('authenticates from the environment, logs each request, and on SIGTERM finishes the upload in flight before exiting', async () => {
    const tv = await tempVolume();
    const child = spawn(process.execPath, [path.resolve('bin/slicefs.js'), 'webdav', tv.metaUrl, '127.0.0.1:0'], {
      env: { ...process.env, SLICEFS_WEBDAV_USER: 'alice', SLICEFS_WEBDAV_PASSWORD: 's3cret' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const err = lineWaiter(child.stderr!);
      const [, port] = await err.next(/serving volume testvol over WebDAV at http:\/\/127\.0\.0\.1:(\d+)\//);
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await curl(['-X', 'PROPFIND', `${base}/`])).status, 401);
      assert.equal((await curl(['-u', 'alice:wrong', '-X', 'PROPFIND', `${base}/`])).status, 401);
      assert.equal((await curl(['-u', 'alice:s3cret', '-X', 'PROPFIND', '-H', 'Depth: 0', `${base}/`])).status, 207);
      await err.next(/alice "PROPFIND \/" 207/);

      // An upload in flight: headers sent, the server's 100 Continue received, half the body sent.
      const body = randomBytes(400_000);
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      const auth = Buffer.from('alice:s3cret').toString('base64');
      socket.write(`PUT /up.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Basic ${auth}\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
      while (!answer.includes('100 Continue')) await once(socket, 'data');
      socket.write(body.subarray(0, 200_000));

      child.kill('SIGTERM');
      await err.next(/SIGTERM: finishing requests in flight/);
      await assert.rejects(curl(['-u', 'alice:s3cret', `${base}/`]), 'no new connection is accepted while stopping');
      socket.write(body.subarray(200_000));
      await once(socket, 'close'); // the server closes the connection once it has answered: it is stopping
      assert.match(answer, /HTTP\/1\.1 201 Created/);
      const [code] = await once(child, 'exit');
      assert.equal(code, 0, err.lines.join('\n'));
      assert.ok(err.lines.some((l) => /alice "PUT \/up.bin" 201/.test(l)), 'the access log has the upload');
      assert.ok(err.lines.some((l) => /slicefs webdav: stopped/.test(l)));

      const vol = await tv.open();
      try {
        assert.deepEqual(await vol.readFile('/up.bin'), body, 'the upload committed whole');
        assert.deepEqual((await vol.readdir('/')).filter((n) => n !== '.slicefs-staging'), ['up.bin']);
      } finally {
        await vol.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      tv.remove();
    }
  });

  it('--metrics: serves its requests by method and status, and its object store requests, at /metrics', async () => {
    const tv = await tempVolume();
    const child = spawn(process.execPath, [path.resolve('bin/slicefs.js'), 'webdav', tv.metaUrl, '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const err = lineWaiter(child.stderr!);
      const [, port] = await err.next(/over WebDAV at http:\/\/127\.0\.0\.1:(\d+)\//);
      const [, url] = await err.next(/metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/);
      const scrape = async () => (await fetch(url!)).text();
      assert.doesNotMatch(await scrape(), /slicefs_webdav_requests_total\{/, 'no request counted yet');
      assert.equal((await fetch(`http://127.0.0.1:${port}/f.txt`, { method: 'PUT', body: Buffer.alloc(10_000, 1) })).status, 201); // above the inline size
      assert.equal((await fetch(`http://127.0.0.1:${port}/missing`)).status, 404);
      const text = await scrape();
      assert.match(text, /^slicefs_webdav_requests_total\{operation="PUT",status="201"\} 1$/m);
      assert.match(text, /^slicefs_webdav_requests_total\{operation="GET",status="404"\} 1$/m);
      assert.match(text, /^slicefs_webdav_request_duration_seconds_count\{operation="PUT"\} 1$/m);
      assert.match(text, /^slicefs_object_requests_total\{method="put"\} [1-9]/m, 'the file went to the store');
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
      tv.remove();
    }
  });

  it('refuses a bad ADDRESS and a --user without --password with one line', async () => {
    const tv = await tempVolume();
    try {
      for (const [args, re] of [
        [['127.0.0.1:99999'], /ADDRESS: '127.0.0.1:99999' is not HOST:PORT/],
        [['--user', 'bob'], /--user and --password .* go together/],
        [['--uid', '-1'], /--uid: '-1' is not a whole number >= 0/],
      ] as const) {
        const child = spawn(process.execPath, [path.resolve('bin/slicefs.js'), 'webdav', tv.metaUrl, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let text = '';
        child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
        const [code] = await once(child, 'exit');
        assert.notEqual(code, 0);
        assert.match(text, re);
        assert.equal(text.trim().split('\n').length, 1, text);
      }
    } finally {
      tv.remove();
    }
  });
});
