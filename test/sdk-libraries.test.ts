import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fg from 'fast-glob';
import git from 'isomorphic-git';
import { withVolume } from './support/temp-volume.js';

// Issue 14 item 3: libraries that take a custom `fs` work unmodified on `vol.fs`.
describe('vol.fs: libraries that take a custom fs', () => {
  it('fast-glob walks a volume through the callback functions', async () => {
    await withVolume(async (vol) => {
      await vol.mkdir('/src/lib/deep', { recursive: true });
      for (const f of ['/src/a.ts', '/src/b.js', '/src/lib/c.ts', '/src/lib/deep/d.ts', '/src/lib/deep/e.md']) await vol.writeFile(f, f);
      const found = await fg('**/*.ts', { cwd: '/src', fs: vol.fs as never });
      assert.deepEqual(found.sort(), ['a.ts', 'lib/c.ts', 'lib/deep/d.ts']);
      const stats = await fg('lib/**', { cwd: '/src', fs: vol.fs as never, stats: true, onlyFiles: true });
      assert.deepEqual(stats.map((e) => [e.path, e.stats?.size]).sort(), [['lib/c.ts', 13], ['lib/deep/d.ts', 18], ['lib/deep/e.md', 18]]);
    });
  });

  it('isomorphic-git makes a repository, commits and reads its log through vol.fs', async () => {
    await withVolume(async (vol) => {
      const fs = vol.fs as never;
      const dir = '/repo';
      await git.init({ fs, dir, defaultBranch: 'main' });
      await vol.writeFile('/repo/README.md', '# hello\n');
      await vol.mkdir('/repo/src');
      await vol.writeFile('/repo/src/index.ts', 'export {};\n');
      await git.add({ fs, dir, filepath: '.' });
      const author = { name: 'Test', email: 'test@example.com', timestamp: 1_700_000_000, timezoneOffset: 0 };
      const sha = await git.commit({ fs, dir, message: 'first', author });
      const log = await git.log({ fs, dir });
      assert.equal(log[0]?.oid, sha);
      assert.equal(log[0]?.commit.message, 'first\n');
      assert.deepEqual((await git.listFiles({ fs, dir })).sort(), ['README.md', 'src/index.ts']);
      assert.deepEqual(await git.statusMatrix({ fs, dir }), [['README.md', 1, 1, 1], ['src/index.ts', 1, 1, 1]]);
      await vol.writeFile('/repo/README.md', '# changed\n');
      assert.equal(await git.status({ fs, dir, filepath: 'README.md' }), '*modified');
    });
  });

  it('callbacks, descriptors and streams follow Node; sync functions throw naming the async one', async () => {
    await withVolume(async (vol) => {
      const fs = vol.fs as unknown as typeof import('node:fs');
      await new Promise<void>((resolve, reject) => fs.writeFile('/f', 'abcdef', (err) => (err ? reject(err) : resolve())));
      const fd = await new Promise<number>((resolve, reject) => fs.open('/f', 'r', (err, n) => (err ? reject(err) : resolve(n))));
      const [n, buf] = await new Promise<[number, Buffer]>((resolve, reject) => fs.read(fd, Buffer.alloc(3), 0, 3, 2, (err, b, d) => (err ? reject(err) : resolve([b, d]))));
      assert.deepEqual([n, buf.toString()], [3, 'cde']);
      await new Promise<void>((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
      const missing = await new Promise<NodeJS.ErrnoException | null>((resolve) => fs.stat('/missing', (err) => resolve(err)));
      assert.equal(missing?.code, 'ENOENT');
      const chunks: Buffer[] = [];
      const rs = fs.createReadStream('/f', { start: 1, end: 3 });
      assert.deepEqual([rs.path, rs.pending, rs.bytesRead], ['/f', true, 0], "ReadStream's fields before it opens");
      for await (const chunk of rs) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), 'bcd');
      assert.deepEqual([rs.pending, rs.bytesRead], [false, 3]);
      const ws = fs.createWriteStream('/g');
      await new Promise<void>((resolve, reject) => ws.on('error', reject).end('streamed', () => resolve()));
      assert.equal(await vol.readFile('/g', 'utf8'), 'streamed');
      assert.deepEqual([ws.path, ws.bytesWritten], ['/g', 8]);
      const h = await vol.open('/f');
      const hs = h.createReadStream({ start: 2 });
      for await (const _ of hs) void _;
      assert.deepEqual([hs.path, hs.bytesRead, hs.pending], ['/f', 4, false], "a handle's stream has ReadStream's fields too");
      assert.throws(() => fs.readFileSync('/f'), /readFileSync is not available on a slicefs volume: use fs\.readFile/);
    });
  });
});
