import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHUNK_SIZE } from '../src/meta/types.js';
import type { Volume } from '../src/sdk/index.js';
import { withVolume } from './support/temp-volume.js';
import { countObjects } from './support/tree.js';

const ROOT = { uid: 0, gid: 0, gids: [], umask: 0o022 };

async function open(vol: Volume, path: string, flags: number) {
  const attr = await vol.meta.resolve(ROOT, path);
  return (await vol.vfs.open(ROOT, attr.ino, flags)).handle.fh;
}

describe('copy_file_range shares slices instead of copying bytes', () => {
  it('copies any range, across block and chunk boundaries, with holes, adding no objects', async () => {
    await withVolume(
      async (vol, tv) => {
        const src = await vol.open('/src', 'w');
        const a = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 13) % 251));
        await src.write(a, 0, a.length, 1000);
        await src.write(Buffer.alloc(50_000, 9), 0, 50_000, CHUNK_SIZE - 20_000);
        await src.close();
        const expected = await vol.readFile('/src');
        await vol.writeFile('/dst', Buffer.alloc(10, 1));
        const objects = countObjects(tv.storageDir);
        const fhIn = await open(vol, '/src', 0);
        const fhOut = await open(vol, '/dst', 2);
        const cases = [
          { offIn: 0, offOut: 5, length: 400_000 },
          { offIn: 777, offOut: CHUNK_SIZE - 3333, length: 123_456 },
          { offIn: CHUNK_SIZE - 30_000, offOut: 2 * CHUNK_SIZE + 17, length: 60_000 },
        ];
        for (const c of cases) {
          const n = await vol.vfs.copyFileRange({ fhIn, fhOut, ...c });
          assert.equal(n, c.length);
        }
        assert.equal(await vol.vfs.copyFileRange({ fhIn, fhOut, offIn: expected.length + 5, offOut: 0, length: 10 }), 0, 'nothing past the end');
        assert.equal(await vol.vfs.copyFileRange({ fhIn, fhOut, offIn: expected.length - 10, offOut: 0, length: 100 }), 10, 'short at the end');
        await vol.vfs.release(fhIn);
        await vol.vfs.release(fhOut);
        assert.equal(countObjects(tv.storageDir), objects, 'no object written');
        const model = Buffer.alloc(2 * CHUNK_SIZE + 17 + 60_000);
        Buffer.alloc(10, 1).copy(model, 0);
        for (const c of cases) expected.copy(model, c.offOut, c.offIn, c.offIn + c.length);
        expected.copy(model, 0, expected.length - 10);
        const got = await vol.readFile('/dst');
        assert.equal(got.length, model.length);
        assert.ok(got.equals(model), 'destination bytes match');
        assert.ok((await vol.readFile('/src')).equals(expected), 'source unchanged');
        await vol.unlink('/src');
        await vol.settle();
        assert.ok((await vol.readFile('/dst')).equals(model), 'shared slices outlive the source');
        const usage = await vol.statfs();
        assert.equal(usage.usedBytes, model.length);
      },
      { blockSize: '64K' },
    );
  });

  it('refuses handles without the right access', async () => {
    await withVolume(async (vol) => {
      await vol.writeFile('/a', 'abc');
      const ro = await open(vol, '/a', 0);
      await assert.rejects(vol.vfs.copyFileRange({ fhIn: ro, fhOut: ro, offIn: 0, offOut: 10, length: 3 }), (e: unknown) => (e as { code?: string }).code === 'EBADF');
      const rw = await open(vol, '/a', 2);
      await assert.rejects(vol.vfs.copyFileRange({ fhIn: rw, fhOut: rw, offIn: 0, offOut: 1, length: 3 }), (e: unknown) => (e as { code?: string }).code === 'EINVAL');
      await vol.vfs.release(ro);
      await vol.vfs.release(rw);
    });
  });
});
