import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Volume } from './index.js';
import { rejectsWith } from '../meta/testing/harness.js';
import { CHUNK_SIZE } from '../meta/types.js';
import { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE } from '../meta/ops/fallocate.js';

let n = 0;
async function withFile(fn: (vol: Volume, fh: number) => Promise<void>) {
  const url = `mem://fallocate-${process.pid}-${++n}`;
  await Volume.format(url, 'falloc', { storage: `mem://fallocate-objects-${process.pid}-${n}` });
  const vol = await Volume.open(url);
  try {
    const h = await vol.open('/f', 'w+');
    try {
      await fn(vol, h.fd);
    } finally {
      await h.close();
    }
  } finally {
    await vol.close();
  }
}

describe('fallocate', () => {
  it('PUNCH_HOLE|KEEP_SIZE zeroes a range (also across a chunk boundary) and keeps the length', () =>
    withFile(async (vol, fh) => {
      const data = Buffer.alloc(100, 7);
      await vol.vfs.write(fh, 0, data);
      await vol.vfs.write(fh, CHUNK_SIZE - 50, data);
      const attr = await vol.vfs.fallocate(fh, { mode: FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset: 10, length: CHUNK_SIZE });
      assert.equal(attr.length, CHUNK_SIZE + 50);
      const head = await vol.vfs.read(fh, 0, 100);
      assert.deepEqual([head[9], head[10], head[99]], [7, 0, 0]);
      const tail = await vol.vfs.read(fh, CHUNK_SIZE - 50, 100);
      assert.deepEqual([tail[0], tail[59], tail[60], tail[99]], [0, 0, 7, 7]);
    }));

  it('mode 0 and ZERO_RANGE extend the length; KEEP_SIZE alone changes nothing', () =>
    withFile(async (vol, fh) => {
      await vol.vfs.write(fh, 0, Buffer.from('abcdef'));
      assert.equal((await vol.vfs.fallocate(fh, { mode: FALLOC_FL_KEEP_SIZE, offset: 0, length: 1000 })).length, 6);
      assert.equal((await vol.vfs.fallocate(fh, { mode: 0, offset: 4, length: 10 })).length, 14);
      assert.equal((await vol.vfs.fallocate(fh, { mode: FALLOC_FL_ZERO_RANGE, offset: 2, length: 20 })).length, 22);
      assert.equal((await vol.vfs.read(fh, 0, 100)).toString('latin1'), `ab${'\0'.repeat(20)}`);
      assert.equal((await vol.stat('/f')).size, 22);
      assert.equal((await vol.statfs()).usedBytes, 22, 'logical usage follows the length');
    }));

  it('refuses modes it does not implement, bad ranges, directories and read-only handles', () =>
    withFile(async (vol, fh) => {
      await rejectsWith(vol.vfs.fallocate(fh, { mode: 0x08 /* COLLAPSE_RANGE */, offset: 0, length: 1 }), 'ENOTSUP');
      await rejectsWith(vol.vfs.fallocate(fh, { mode: FALLOC_FL_PUNCH_HOLE, offset: 0, length: 1 }), 'ENOTSUP');
      await rejectsWith(vol.vfs.fallocate(fh, { mode: 0, offset: 0, length: 0 }), 'EINVAL');
      const ro = await vol.open('/f', 'r');
      try {
        await rejectsWith(vol.vfs.fallocate(ro.fd, { mode: 0, offset: 0, length: 1 }), 'EBADF');
      } finally {
        await ro.close();
      }
    }));
  it('punch hole and zero range starting past EOF succeed, keep the bytes and (zero range without KEEP_SIZE) extend', () =>
    withFile(async (vol, fh) => {
      await vol.vfs.write(fh, 0, Buffer.from('x\n'));
      const punch = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
      assert.equal((await vol.vfs.fallocate(fh, { mode: punch, offset: 80_000, length: 1000 })).length, 2);
      assert.equal((await vol.vfs.fallocate(fh, { mode: FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset: 80_000, length: 1000 })).length, 2);
      assert.equal((await vol.vfs.read(fh, 0, 10)).toString(), 'x\n');
      assert.equal((await vol.vfs.fallocate(fh, { mode: FALLOC_FL_ZERO_RANGE, offset: 80_000, length: 1000 })).length, 81_000);
      const all = await vol.vfs.read(fh, 0, 100_000);
      assert.equal(all.length, 81_000);
      assert.equal(all.subarray(0, 2).toString(), 'x\n');
      assert.ok(all.subarray(2).every((b) => b === 0));
    }));
});
