import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FsError, VolumeMetrics } from '../src/sdk/index.js';
import { tempVolume } from './support/temp-volume.js';

describe('Volume.warmup (the disk cache of an SDK client)', () => {
  it('needs a cacheDir; lists each block once (hard links, clones); skips files the caller may not read; stops when aborted, keeping what it fetched', async () => {
    const tv = await tempVolume({ blockSize: 64 * 1024 });
    const cacheDir = path.join(tv.dir, 'cache');
    try {
      const writer = await tv.open();
      try {
        await assert.rejects(writer.warmup('/'), (e: unknown) => e instanceof FsError && e.code === 'EINVAL' && /no disk cache/.test(e.message));
        await writer.mkdir('/t');
        for (let i = 0; i < 10; i++) await writer.writeFile(`/t/f${i}`, Buffer.alloc(100_000, i)); // two blocks each
        await writer.link('/t/f0', '/t/hard');
        await writer.clone('/t/f1', '/t/clone');
        await writer.writeFile('/t/secret', Buffer.alloc(1000, 9), { mode: 0o600 });
      } finally {
        await writer.close();
      }
      const metrics = new VolumeMetrics();
      const user = await tv.open({ cacheDir, caller: { uid: 1000, gid: 1000, gids: [] }, metrics });
      try {
        const controller = new AbortController();
        const reason = new FsError('EINTR', { syscall: 'warmup' });
        await assert.rejects(user.warmup('/t', { concurrency: 2, signal: controller.signal, onProgress: (done) => done > 0 && controller.abort(reason) }), (e: unknown) => e instanceof FsError && e.code === 'EINTR');
        const fetchedFirst = metrics.object.requests.get;
        assert.ok(fetchedFirst >= 1 && fetchedFirst <= 3, `${fetchedFirst} blocks fetched before the abort took effect`);

        const r = await user.warmup('/t');
        assert.deepEqual([r.files, r.blocks, r.bytes, r.skipped], [11, 20, 1_000_000, 1], 'the hard link and the clone add no block; the 0600 file is skipped');
        assert.equal(r.fetchedBytes + r.cachedBytes, r.bytes);
        assert.equal(metrics.object.requests.get, 20, 'what the aborted run fetched stays cached');
        assert.ok(r.cachedBytes > 0);
        assert.deepEqual(await user.readFile('/t/clone'), Buffer.alloc(100_000, 1));
        assert.equal(metrics.object.requests.get, 20, 'reads are served from the disk cache');
      } finally {
        await user.close();
      }
    } finally {
      tv.remove();
    }
  });
});
