import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { checkVolume } from '../src/sdk/index.js';
import { DavServer } from '../src/webdav/server.js';
import { countObjects, curl, withDavServer } from './support/dav-server.js';
import { withEngineVolume } from './support/engine-volume.js';

const sqlite = testEngines().filter((e) => e.name === 'sqlite3');

/** A temp file with `data`, removed by the returned function. */
function tempFile(data: Buffer): { file: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-dav-'));
  const file = path.join(dir, 'data.bin');
  writeFileSync(file, data);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const engine of testEngines()) {
  describe(`WebDAV round trip with curl on ${engine.name}`, () => {
    it('PUT, MKCOL, PROPFIND, COPY as a clone (no new objects), ranged GET, MOVE, DELETE', async () => {
      const data = Buffer.from(randomBytes(150_000).toString('hex')); // text, so curl's output compares as a string
      const tmp = tempFile(data);
      try {
        await withDavServer(engine, async ({ base, vol, storageDir }) => {
          assert.equal((await curl(['-T', tmp.file, `${base}/a.bin`])).status, 201);
          assert.equal((await curl(['-X', 'MKCOL', `${base}/dir`])).status, 201);
          assert.equal((await curl(['-T', tmp.file, `${base}/dir/x.bin`])).status, 201);
          const listing = await curl(['-X', 'PROPFIND', '-H', 'Depth: 1', `${base}/`]);
          assert.equal(listing.status, 207);
          for (const href of ['<D:href>/</D:href>', '<D:href>/a.bin</D:href>', '<D:href>/dir/</D:href>']) assert.ok(listing.body.includes(href), href);
          assert.ok(listing.body.includes(`<D:getcontentlength>${data.length}</D:getcontentlength>`));
          assert.ok(!listing.body.includes('x.bin'), 'Depth 1 stops at the members');
          const deep = await curl(['-X', 'PROPFIND', '-H', 'Depth: infinity', `${base}/`]);
          assert.ok(deep.body.includes('<D:href>/dir/x.bin</D:href>'));

          const objects = countObjects(storageDir);
          assert.ok(objects > 0);
          assert.equal((await curl(['-X', 'COPY', '-H', `Destination: ${base}/b.bin`, `${base}/a.bin`])).status, 201);
          assert.equal((await curl(['-X', 'COPY', '-H', `Destination: ${base}/dir2`, `${base}/dir`])).status, 201);
          assert.equal(countObjects(storageDir), objects, 'COPY of a file and of a collection wrote no object');
          assert.deepEqual(await vol.readFile('/b.bin'), data);
          assert.deepEqual(await vol.readFile('/dir2/x.bin'), data);
          // After the count: a replaced file's objects are deleted in the background.
          assert.equal((await curl(['-T', tmp.file, `${base}/dir/x.bin`])).status, 204, 'a second PUT replaces');

          const whole = await curl([`${base}/b.bin`]);
          assert.equal(whole.status, 200);
          assert.ok(whole.body === data.toString(), 'GET returns the copied bytes');
          const ranged = await curl(['-H', 'Range: bytes=1000-1009', `${base}/b.bin`]);
          assert.equal(ranged.status, 206);
          assert.equal(ranged.body, data.subarray(1000, 1010).toString());
          assert.equal((await curl(['-H', 'Range: bytes=-5', `${base}/b.bin`])).body, data.subarray(-5).toString());
          assert.equal((await curl(['-H', 'Range: bytes=999999-', `${base}/b.bin`])).status, 416);

          assert.equal((await curl(['-X', 'MOVE', '-H', `Destination: ${base}/dir3`, `${base}/dir2`])).status, 201);
          assert.deepEqual((await vol.readdir('/')).filter((n) => n !== '.slicefs-staging'), ['a.bin', 'b.bin', 'dir', 'dir3']);
          assert.equal((await curl(['-X', 'DELETE', `${base}/dir3`])).status, 204);
          assert.equal((await curl(['-X', 'PROPFIND', '-H', 'Depth: 0', `${base}/dir3`])).status, 404);
          assert.deepEqual((await vol.readdir('/')).filter((n) => n !== '.slicefs-staging'), ['a.bin', 'b.bin', 'dir']);
        });
      } finally {
        tmp.remove();
      }
    });
  });
}

/** The whole tree as the SDK sees it (hidden upload names included), for "nothing changed" checks. */
async function snapshot(vol: import('../src/sdk/index.js').Volume): Promise<string[]> {
  const out: string[] = [];
  for (const e of await vol.readdir('/', { recursive: true, withFileTypes: true })) {
    const p = path.posix.join(e.parentPath, e.name);
    const xattrs = e.isFile() || e.isDirectory() ? (await vol.listxattr(p)).sort().join(',') : '';
    out.push(`${p} ${e.isDirectory() ? 'dir' : (await vol.stat(p)).size} ${xattrs}`);
  }
  return out.sort();
}

for (const engine of sqlite) {
  describe('WebDAV: bad requests get the right status and change nothing', () => {
    it('path traversal, NUL, over-long names, bad Destination, malformed XML, bad Depth and If headers', async () => {
      await withDavServer(engine, async ({ base, vol }) => {
        await vol.mkdir('/d');
        await vol.writeFile('/d/f.txt', 'keep');
        await vol.setxattr('/d/f.txt', 'user.dav.{urn:x}p', Buffer.from('v'));
        const before = await snapshot(vol);
        const bad: Array<[string[], number, string]> = [
          [['--path-as-is', `${base}/d/../../etc/passwd`], 400, 'GET with ..'],
          [['--path-as-is', '-T', '/dev/null', `${base}/d/../../x`], 400, 'PUT with ..'],
          [['--path-as-is', '-X', 'DELETE', `${base}/d/%2e%2e`], 400, 'DELETE with encoded ..'],
          [['--path-as-is', '-X', 'MKCOL', `${base}/./d2`], 400, 'MKCOL with .'],
          [['-T', '/dev/null', `${base}/d/a%00b`], 400, 'PUT with NUL'],
          [['-T', '/dev/null', `${base}/d/a%2Fb`], 400, 'PUT with an encoded /'],
          [['-T', '/dev/null', `${base}/d/${'n'.repeat(256)}`], 400, 'PUT of a 256-byte name'],
          [['-T', '/dev/null', `${base}/d/bad%zz`], 400, 'PUT with bad percent-encoding'],
          [['-X', 'COPY', '-H', `Destination: ${base}/d/../../escape`, `${base}/d/f.txt`], 400, 'COPY to ..'],
          [['-X', 'MOVE', '-H', `Destination: ${base}/%2e%2e/escape`, `${base}/d/f.txt`], 400, 'MOVE to encoded ..'],
          [['-X', 'MOVE', `${base}/d/f.txt`], 400, 'MOVE without Destination'],
          [['-X', 'COPY', '-H', 'Destination: http://elsewhere.example/x', `${base}/d/f.txt`], 502, 'COPY to another server'],
          [['-X', 'PROPFIND', '--data', '<foo>', `${base}/d`], 400, 'PROPFIND with unclosed XML'],
          [['-X', 'PROPFIND', '--data', '<D:propfind xmlns:D="DAV:"><D:prop><x:y xmlns:x=""/></D:prop></D:propfind>', `${base}/d`], 400, 'PROPFIND with a prefix bound to ""'],
          [['-X', 'PROPFIND', '--data', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', `${base}/d`], 400, 'PROPFIND with a DOCTYPE (XXE)'],
          [['-X', 'PROPFIND', '--data', '<D:other xmlns:D="DAV:"/>', `${base}/d`], 400, 'PROPFIND with another root'],
          [['-X', 'PROPFIND', '-H', 'Depth: 2', `${base}/d`], 400, 'PROPFIND Depth 2'],
          [['-X', 'PROPPATCH', '--data', '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:p xmlns:x="urn:x">new</x:p></D:prop></D:set>', `${base}/d/f.txt`], 400, 'PROPPATCH with truncated XML'],
          [['-X', 'PROPPATCH', '--data', '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><u:p>new</u:p></D:prop></D:set></D:propertyupdate>', `${base}/d/f.txt`], 400, 'PROPPATCH with an unbound prefix'],
          [['-X', 'PROPPATCH', '--data', '<a>&bogus;</a>', `${base}/d/f.txt`], 400, 'PROPPATCH with an unknown entity'],
          [['-X', 'LOCK', '--data', '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>', `${base}/d/f.txt`], 400, 'LOCK with truncated XML'],
          [['-X', 'LOCK', '--data', '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:read/></D:locktype></D:lockinfo>', `${base}/d/new`], 400, 'LOCK of a read lock'],
          [['-X', 'UNLOCK', `${base}/d/f.txt`], 400, 'UNLOCK without Lock-Token'],
          [['-T', '/dev/null', '-H', 'If: (<urn:x> [broken', `${base}/d/f.txt`], 400, 'PUT with a malformed If header'],
          [['-T', '/dev/null', '-H', 'If: (<opaquelocktoken:none>)', `${base}/d/f.txt`], 412, 'PUT with an If header that does not hold'],
          [['-X', 'MKCOL', '--data', 'body', `${base}/d/c`], 415, 'MKCOL with a body'],
          [['-X', 'REPORT', `${base}/d`], 501, 'a method the server does not implement (REPORT)'],
          [['-T', '/dev/null', `${base}/d`], 405, 'PUT on a collection'],
          [['-T', '/dev/null', `${base}/nope/x`], 409, 'PUT with no parent'],
          [['-X', 'DELETE', `${base}/`], 403, 'DELETE of the root'],
          [['-T', '/dev/null', `${base}/.slicefs-staging/x`], 403, 'PUT into the staging area'],
          [['-X', 'PROPFIND', '-H', 'Depth: 0', `${base}/.slicefs-staging`], 403, 'PROPFIND of the staging area'],
        ];
        for (const [args, status, what] of bad) {
          assert.equal((await curl(args)).status, status, what);
          assert.deepEqual(await snapshot(vol), before, `${what} changed nothing`);
        }
        // The unlock/refresh paths: no lock was left behind by the refused LOCKs.
        assert.equal((await curl(['-T', '/dev/null', `${base}/d/f.txt`])).status, 204);
      });
    });
  });

  describe('WebDAV: POSIX identity and interrupted uploads', () => {
    it('acts as the configured uid/gid: permissions enforced, new files owned by it', async () => {
      await withDavServer(
        engine,
        async ({ base, vol }) => {
          await vol.mkdir('/open', { mode: 0o777 });
          await vol.chmod('/open', 0o777);
          await vol.mkdir('/closed', { mode: 0o755 });
          await vol.writeFile('/closed/secret', 'root only', { mode: 0o600 });
          assert.equal((await curl(['-T', '/dev/null', `${base}/closed/new`])).status, 403, 'no write permission on the directory');
          assert.equal((await curl([`${base}/closed/secret`])).status, 403, 'no read permission on the file');
          assert.equal((await curl(['-X', 'DELETE', `${base}/closed/secret`])).status, 403);
          assert.equal((await curl(['-X', 'PROPPATCH', '--data', '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:p xmlns:x="urn:x">v</x:p></D:prop></D:set></D:propertyupdate>', `${base}/closed/secret`])).status, 403);
          assert.equal((await curl(['-X', 'COPY', '-H', `Destination: ${base}/open/stolen`, `${base}/closed/secret`])).status, 403, 'a clone needs read permission on the source');
          assert.deepEqual(await vol.readdir('/closed'), ['secret']);
          assert.deepEqual(await vol.readdir('/open'), []);
          await vol.writeFile('/open/roots', 'root file', { mode: 0o644 });
          assert.equal((await curl(['--data-binary', 'x', '-X', 'PUT', `${base}/open/roots`])).status, 403, 'replacing needs write permission on the file');
          assert.equal(await vol.readFile('/open/roots', 'utf8'), 'root file');
          await vol.unlink('/open/roots');
          assert.equal((await curl(['--data-binary', 'mine', '-X', 'PUT', `${base}/open/mine`])).status, 201);
          const st = await vol.stat('/open/mine');
          assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [1234, 5678, 0o644]);
        },
        { caller: { uid: 1234, gid: 5678, gids: [], umask: 0o022 } },
      );
    });

    it('an upload cut off midway leaves no file, visible or hidden, and no live handle', async () => {
      let finished: (line: string) => void = () => undefined;
      const logged = new Promise<string>((resolve) => (finished = resolve));
      await withDavServer(
        engine,
        async ({ base, vol }) => {
          await vol.writeFile('/old.bin', 'old content');
          const port = Number(new URL(base).port);
          const socket = connect(port, '127.0.0.1');
          await new Promise<void>((resolve) => socket.once('connect', resolve));
          socket.write(`PUT /old.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 10000000\r\n\r\n`);
          socket.write(randomBytes(300_000));
          // Wait until the server has the upload's temporary file (what is being cut off), then hang up.
          for (;;) {
            if ((await vol.readdir('/.slicefs-staging/tmp').catch(() => [])).length) break;
            await new Promise((resolve) => setImmediate(resolve));
          }
          socket.destroy();
          const line = await logged;
          assert.match(line, /"PUT \/old.bin"/);
          assert.deepEqual(await vol.readdir('/.slicefs-staging/tmp'), [], 'the staged file is gone');
          assert.deepEqual((await vol.readdir('/')).filter((n) => n !== '.slicefs-staging'), ['old.bin']);
          assert.equal(await vol.readFile('/old.bin', 'utf8'), 'old content', 'the old content stays');
          assert.deepEqual((await checkVolume(vol)).problems, [], 'fsck finds nothing left over');
        },
        { onLog: (line) => finished(line) },
      );
    });
  });

  describe('WebDAV: PROPPATCH', () => {
    it('is all or nothing: a refused change (protected, too large) leaves every property as it was', async () => {
      await withDavServer(engine, async ({ base, vol }) => {
        await vol.writeFile('/f', 'x');
        const patch = (body: string) => curl(['-X', 'PROPPATCH', '--data-binary', `<D:propertyupdate xmlns:D="DAV:" xmlns:x="urn:x">${body}</D:propertyupdate>`, `${base}/f`]);
        const ok = await patch('<D:set><D:prop><x:a>one</x:a><x:b><v xmlns="urn:v">2</v></x:b></D:prop></D:set>');
        assert.equal(ok.status, 207);
        assert.match(ok.body, /HTTP\/1.1 200 OK/);
        for (const [body, status] of [
          ['<D:set><D:prop><x:a>changed</x:a><D:getetag>"forged"</D:getetag></D:prop></D:set>', '403 Forbidden'],
          [`<D:remove><D:prop><x:b/></D:prop></D:remove><D:set><D:prop><x:a>${'y'.repeat(70_000)}</x:a></D:prop></D:set>`, '507 Insufficient Storage'],
        ] as const) {
          const refused = await patch(body);
          assert.equal(refused.status, 207);
          assert.ok(refused.body.includes(status) && refused.body.includes('424 Failed Dependency'), refused.body);
        }
        const found = await curl(['-X', 'PROPFIND', '-H', 'Depth: 0', '--data', '<D:propfind xmlns:D="DAV:"><D:prop><a xmlns="urn:x"/><b xmlns="urn:x"/><c xmlns="urn:x"/></D:prop></D:propfind>', `${base}/f`]);
        assert.match(found.body, /<P:a xmlns:P="urn:x">one<\/P:a>/);
        assert.match(found.body, /<P:b xmlns:P="urn:x"><v xmlns="urn:v">2<\/v><\/P:b>/);
        assert.match(found.body, /<P:c xmlns:P="urn:x"\/><\/D:prop><D:status>HTTP\/1.1 404 Not Found/);
        assert.deepEqual((await vol.listxattr('/f')).sort(), ['user.dav.{urn:x}a', 'user.dav.{urn:x}b']);
        assert.equal((await curl(['-X', 'COPY', '-H', `Destination: ${base}/g`, `${base}/f`])).status, 201);
        assert.deepEqual((await vol.listxattr('/g')).sort(), ['user.dav.{urn:x}a', 'user.dav.{urn:x}b'], 'a COPY (clone) keeps dead properties');
      });
    });
  });

  describe('WebDAV: many clients at once', () => {
    it('24 concurrent PUTs then 24 concurrent GETs each get their own bytes', async () => {
      const n = 24;
      const payloads = Array.from({ length: n }, (_, i) => tempFile(Buffer.from(`${i}:`.padEnd(256 * 1024, String.fromCharCode(97 + (i % 26))))));
      try {
        await withDavServer(engine, async ({ base, vol }) => {
          const puts = await Promise.all(payloads.map((p, i) => curl(['-T', p.file, `${base}/f${i}`])));
          assert.deepEqual(puts.map((r) => r.status), Array(n).fill(201));
          const gets = await Promise.all(payloads.map((_, i) => curl([`${base}/f${i}`])));
          gets.forEach((g, i) => assert.ok(g.status === 200 && g.body.startsWith(`${i}:`) && g.body.length === 256 * 1024, `GET f${i}`));
          assert.equal((await vol.readdir('/')).filter((n) => n !== '.slicefs-staging').length, n);
        });
      } finally {
        for (const p of payloads) p.remove();
      }
    });
  });
}

for (const engine of testEngines()) {
  describe(`WebDAV: what a killed server leaves in the staging area (${engine.name})`, () => {
    it('an upload file and a COPY tree named after a dead session are removed by the next server, the live ones kept', () =>
      withEngineVolume(engine, async ({ vol }) => {
        // What a server killed mid-PUT and mid-COPY leaves: entries named after its (dead) session.
        await vol.mkdir('/.slicefs-staging/tmp', { recursive: true });
        await vol.writeFile('/.slicefs-staging/tmp/999999-0123456789abcdef01234567', Buffer.alloc(100_000, 1));
        await vol.mkdir('/.slicefs-staging/tmp/999998-0123456789abcdef01234567/sub', { recursive: true });
        await vol.writeFile('/.slicefs-staging/tmp/999998-0123456789abcdef01234567/sub/f', 'x');
        const live = `${vol.meta.session}-0123456789abcdef01234567`;
        await vol.writeFile(`/.slicefs-staging/tmp/${live}`, 'an upload in progress here');
        const log: string[] = [];
        const server = await DavServer.listen({ vfs: vol.vfs, meta: vol.meta, caller: vol.caller, host: '127.0.0.1', port: 0, errorLog: (line) => log.push(line) });
        try {
          assert.deepEqual(await vol.readdir('/.slicefs-staging/tmp'), [live]);
          assert.match(log.join('\n'), /removed 2 unfinished upload\(s\) left by servers that stopped/);
          assert.deepEqual((await checkVolume(vol)).problems, []);
        } finally {
          await server.close();
        }
      }));
  });
}
