import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { volumeCounters, VolumeMetrics } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';

for (const engine of testEngines()) {
  describe(`volume counters (${engine.name})`, () => {
    it('count transactions, object requests and bytes, and block cache hits of one client', async () => {
      const metrics = new VolumeMetrics();
      await withEngineVolume(engine, async ({ another }) => {
        const vol = await another({ metrics, cacheSize: 1024 * 1024 });
        const start = volumeCounters(vol.vfs, metrics);
        await vol.writeFile('/a', Buffer.alloc(5000, 1)); // above the inline size (4 KiB): one object
        const written = volumeCounters(vol.vfs, metrics);
        assert.ok(written.meta.transactions > start.meta.transactions, 'the create and the commit are write transactions');
        assert.equal(written.object.requests.put - start.object.requests.put, 1);
        assert.equal(written.object.writtenBytes - start.object.writtenBytes, 5000);
        assert.equal(written.meta.errors, 0);
        await assert.rejects(vol.readFile('/missing'));
        assert.equal(volumeCounters(vol.vfs, metrics).meta.errors, 0, 'ENOENT is an answer, not a failure');

        // A second client reads: the first read of the block fetches it, the second finds it cached.
        const readerMetrics = new VolumeMetrics();
        const reader = await another({ metrics: readerMetrics });
        assert.deepEqual(await reader.readFile('/a'), Buffer.alloc(5000, 1));
        assert.deepEqual(await reader.readFile('/a'), Buffer.alloc(5000, 1));
        const r = volumeCounters(reader.vfs, readerMetrics);
        assert.equal(r.object.requests.get, 1);
        assert.equal(r.object.readBytes, 5000);
        assert.deepEqual([r.cache.hits, r.cache.misses], [1, 1]);
        assert.ok(r.meta.reads >= 2);
        assert.ok(r.meta.seconds > 0 && r.object.seconds > 0);
      });
    });
  });
}
