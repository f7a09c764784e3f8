import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CodedError, FsError, Volume } from '../src/sdk/index.js';
import { tempVolume, withVolume } from './support/temp-volume.js';

const code = (c: string, syscall?: string, p?: string) => (e: unknown) =>
  e instanceof FsError && e.code === c && (syscall === undefined || e.syscall === syscall) && (p === undefined || e.path === p);

function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && !e.parentPath.includes('.tmp')) n++;
  return n;
}

describe('SDK: fs/promises-shaped API on a SQLite + file volume', () => {
  it('writes, reads, appends, lists, renames and removes', async () => {
    await withVolume(async (vol) => {
      assert.equal(await vol.mkdir('/a/b/c', { recursive: true }), '/a');
      assert.equal(await vol.mkdir('/a/b/c', { recursive: true }), undefined);
      await vol.writeFile('/a/b/c/hello.txt', 'hello');
      await vol.appendFile('/a/b/c/hello.txt', ' world');
      assert.equal(await vol.readFile('/a/b/c/hello.txt', 'utf8'), 'hello world');
      const entries = await vol.readdir('/a/b', { withFileTypes: true });
      assert.deepEqual(entries.map((e) => [e.name, e.isDirectory()]), [['c', true]]);
      await vol.rename('/a/b/c/hello.txt', '/a/hi.txt');
      assert.deepEqual(await vol.readdir('/a'), ['b', 'hi.txt']);
      await vol.symlink('hi.txt', '/a/link');
      assert.equal(await vol.readlink('/a/link'), 'hi.txt');
      assert.equal(await vol.readFile('/a/link', 'utf8'), 'hello world');
      assert.ok((await vol.lstat('/a/link')).isSymbolicLink());
      await vol.link('/a/hi.txt', '/a/hard');
      assert.equal((await vol.stat('/a/hard')).nlink, 2);
      await vol.rm('/a', { recursive: true });
      assert.deepEqual(await vol.readdir('/'), []);
      assert.deepEqual(await vol.statfs(), { usedBytes: 0, inodes: 1 });
      await vol.rm('/nothing', { force: true });
    });
  });

  it('handles: positioned and sequential reads and writes, truncate, sync, stat', async () => {
    await withVolume(async (vol) => {
      const h = await vol.open('/f', 'w+');
      await h.write('abcdef');
      await h.write('XY', 2);
      await h.sync();
      assert.equal((await h.stat()).size, 6);
      const buf = Buffer.alloc(4);
      assert.deepEqual(await h.read(buf, 0, 4, 1), { bytesRead: 4, buffer: Buffer.from('bXYe') });
      await h.truncate(3);
      assert.equal((await h.readFile()).toString(), '', 'a handle reads on from its position (6), as Node');
      assert.equal(await vol.readFile('/f', 'utf8'), 'abX');
      await h.close();
      await assert.rejects(h.write('x'), code('EBADF'));
      await assert.rejects(vol.open('/f', 'wx'), code('EEXIST', 'open', '/f'));
      const r = await vol.open('/f', 'r');
      await assert.rejects(r.write('nope'), code('EBADF'));
      await r.close();
    });
  });

  it('readFile gives bytes the caller owns: writing into them changes no later read', async () => {
    await withVolume(async (vol) => {
      // Inline data and a file in objects (its blocks come from the block cache after the first read).
      for (const [name, size] of [['/small', 100], ['/large', 300_000]] as const) {
        const data = Buffer.alloc(size, 'ab');
        await vol.writeFile(name, data);
        const throughHandle = async () => {
          const h = await vol.open(name, 'r');
          try {
            return await h.readFile();
          } finally {
            await h.close();
          }
        };
        for (const read of [() => vol.readFile(name), throughHandle]) {
          const got = await read();
          got.fill(0);
          assert.ok((await vol.readFile(name)).equals(data), `${name}: a later read sees the file, not the caller's changes`);
        }
      }
    });
  });

  it('chmod, chown, utimes and xattrs through paths', async () => {
    await withVolume(async (vol) => {
      await vol.writeFile('/f', 'x');
      await vol.chmod('/f', 0o600);
      await vol.chown('/f', 12, 34);
      await vol.utimes('/f', new Date(1_000_000), 2000.5);
      const st = await vol.stat('/f');
      assert.equal(st.mode & 0o7777, 0o600);
      assert.equal(st.uid, 12);
      assert.equal(st.gid, 34);
      assert.equal(st.atimeMs, 1_000_000);
      assert.equal(st.mtimeMs, 2_000_500);
      await vol.setxattr('/f', 'user.k', 'v');
      assert.deepEqual(await vol.listxattr('/f'), ['user.k']);
      assert.equal((await vol.getxattr('/f', 'user.k')).toString(), 'v');
      await vol.removexattr('/f', 'user.k');
      await assert.rejects(vol.getxattr('/f', 'user.k'), code('ENODATA', 'getxattr', '/f'));
      // No POSIX ACLs: refused as ext4 mounted noacl refuses them, so cp -p falls back to chmod.
      const acl = Buffer.from('02000000010006000000000004000400000000002000000000000000', 'hex');
      await assert.rejects(vol.setxattr('/f', 'system.posix_acl_access', acl), code('ENOTSUP', 'setxattr', '/f'));
      await assert.rejects(vol.removexattr('/f', 'system.posix_acl_default'), code('ENOTSUP', 'removexattr', '/f'));
      assert.deepEqual(await vol.listxattr('/f'), []);
    });
  });

  it('an open file that is unlinked stays readable until closed, then its objects go', async () => {
    await withVolume(
      async (vol, tv) => {
        await vol.writeFile('/big', Buffer.alloc(300_000, 7));
        assert.equal(countFiles(tv.storageDir), 5);
        const h = await vol.open('/big', 'r');
        await vol.unlink('/big');
        await vol.settle();
        assert.equal(countFiles(tv.storageDir), 5);
        assert.equal((await h.readFile()).length, 300_000);
        await h.close();
        await vol.settle();
        assert.equal(countFiles(tv.storageDir), 0, 'every object of the unlinked file is deleted');
      },
      { blockSize: '64K' },
    );
  });

  it('used bytes and inodes equal the sums over the files after any sequence', async () => {
    await withVolume(async (vol) => {
      await vol.mkdir('/d');
      await vol.writeFile('/d/a', Buffer.alloc(1000));
      await vol.writeFile('/d/b', Buffer.alloc(5000));
      await vol.truncate('/d/b', 20_000);
      await vol.link('/d/a', '/d/a2');
      await vol.symlink('/d/a', '/s');
      await vol.rename('/d/a2', '/d/b');
      const h = await vol.open('/d/c', 'w');
      await h.write(Buffer.alloc(777), 0, 777, 100_000);
      await h.close();
      await vol.unlink('/d/a');
      const usage = await vol.statfs();
      const totals = await vol.meta.engine.totals();
      assert.equal(usage.usedBytes, totals.fileBytes);
      assert.equal(usage.inodes, totals.inodes);
      assert.equal(usage.usedBytes, 1000 + 100_777);
      assert.equal(usage.inodes, 5);
    });
  });

  it('bad input gets a clear error and changes nothing', async () => {
    await withVolume(async (vol) => {
      await vol.writeFile('/file', 'x');
      const before = await vol.statfs();
      const nodeCode = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
      await assert.rejects(vol.mkdir('/bad\0name'), nodeCode('ERR_INVALID_ARG_VALUE'));
      await assert.rejects(vol.writeFile(`/${'n'.repeat(256)}`, 'x'), code('ENAMETOOLONG', 'open'));
      await assert.rejects(vol.mkdir('/file/sub'), code('ENOTDIR', 'mkdir', '/file/sub'));
      await assert.rejects(vol.stat('/file/sub'), code('ENOTDIR', 'stat'));
      await assert.rejects(vol.readFile('/missing'), code('ENOENT', 'open', '/missing'));
      await assert.rejects(vol.rmdir('/'), code('EBUSY'));
      await assert.rejects(vol.mkdir('/'), code('EEXIST'));
      const h = await vol.open('/file', 'r+');
      await assert.rejects(h.write('x', -2), nodeCode('ERR_OUT_OF_RANGE'));
      await assert.rejects(h.read(Buffer.alloc(1), 0, 1, -5), nodeCode('ERR_OUT_OF_RANGE'));
      await assert.rejects(h.truncate(1.5), nodeCode('ERR_OUT_OF_RANGE'));
      await assert.rejects(h.read(Buffer.alloc(1), 0, 2, 0), nodeCode('ERR_OUT_OF_RANGE'));
      await h.close();
      assert.deepEqual(await vol.readdir('/'), ['file']);
      assert.deepEqual(await vol.statfs(), before);
    });
  });

  it('formatting and opening refuse bad URLs, existing volumes and missing ones', async () => {
    const tv = await tempVolume();
    try {
      const isCoded = (c: string) => (e: unknown) => e instanceof CodedError && e.code === c;
      await assert.rejects(Volume.format(tv.metaUrl, 'again', { storage: `file://${tv.dir}/x/` }), isCoded('ERR_ALREADY_FORMATTED'));
      await assert.rejects(Volume.open('bogus://nowhere'), isCoded('ERR_UNKNOWN_SCHEME'));
      await assert.rejects(Volume.open('no-scheme-at-all'), isCoded('ERR_BAD_URL'));
      await assert.rejects(Volume.open(`sqlite3://${tv.dir}/none.db`), isCoded('ERR_NOT_FORMATTED'));
      await assert.rejects(Volume.format(`sqlite3://${tv.dir}/v2.db`, 'Bad Name!'), isCoded('ERR_BAD_OPTION'));
      await assert.rejects(Volume.format(`sqlite3://${tv.dir}/v2.db`, 'ok-name', { blockSize: '3X' }), isCoded('ERR_BAD_OPTION'));
      assert.ok(!readdirSync(tv.dir).includes('none.db'), 'opening a missing volume creates nothing');
      assert.ok(!readdirSync(tv.dir).includes('v2.db'), 'a refused format creates nothing');
      const vol = await tv.open();
      assert.equal(vol.settings.name, 'testvol');
      assert.ok(path.isAbsolute(new URL(vol.settings.storage).pathname));
      await vol.close();
    } finally {
      tv.remove();
    }
  });
});
