import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockKey } from '../src/chunk/block-key.js';
import { testEngines } from '../src/meta/testing/test-engines.js';
import type { Ino, SessionId, SliceId } from '../src/meta/types.js';
import { checkVolume, collectGarbage, volumeStatus } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';
import { buildTree, countObjects } from './support/tree.js';

for (const engine of testEngines()) {
  describe(`gc [${engine.name}]`, () => {
    it("removes a detached tree whose session is gone, and spares a live session's young one", async () => {
      await withEngineVolume(engine, async ({ vol }) => {
        await buildTree(vol, '/src', { files: 6 });
        const before = await vol.statfs();
        // Two detached trees as an interrupted clone leaves them (a finished clone, unlinked and
        // recorded as detached): one owned by a session that no longer exists, one by this live one.
        for (const [name, session] of [['dead', 999_999 as SessionId], ['live', vol.meta.session]] as const) {
          await vol.clone('/src', `/${name}`);
          const root = (await vol.stat(`/${name}`)).ino as Ino;
          const parent = (await vol.stat('/')).ino as Ino;
          await vol.meta.engine.txn(async (tx) => {
            await tx.deleteEdge(parent, Buffer.from(name));
            const dir = (await tx.getInode(parent))!;
            await tx.putInode({ ...dir, nlink: dir.nlink - 1 });
            await tx.putDetached({ ino: root, session, createdAt: Date.now() });
          });
        }
        const report = await collectGarbage(vol, {});
        assert.equal(report.metadata.detachedTrees.found, 1, 'only the dead session’s tree counts as garbage');
        const removed = await collectGarbage(vol, { delete: true });
        assert.equal(removed.metadata.detachedTrees.removed, 1);
        assert.equal((await vol.meta.engine.listDetached()).length, 1, 'the live one stays');
        await collectGarbage(vol, { delete: true, thresholdMs: 0 });
        assert.deepEqual(await vol.meta.engine.listDetached(), []);
        assert.deepEqual(await vol.statfs(), before);
        assert.deepEqual((await checkVolume(vol)).problems, []);
      });
    });

    it('status answers from the stored counters without listing the store; fsck checks and repairs them', async () => {
      await withEngineVolume(
        engine,
        async ({ vol }) => {
          await vol.writeFile('/a', Buffer.alloc(200_000, 1));
          await vol.writeFile('/b', Buffer.alloc(1000, 2));
          await vol.unlink('/a'); // its slice waits in the deletion queue: its blocks are still stored
          const store = vol.vfs.chunks.store;
          let lists = 0;
          const list = store.list.bind(store);
          store.list = (o) => ((lists += 1), list(o));
          const expected = async () => {
            const totals = await vol.meta.engine.totals();
            const pending = await vol.meta.engine.pendingSlices(1000);
            return { slices: totals.slices + pending.length, bytes: totals.sliceBytes + pending.reduce((n, p) => n + p.size, 0) };
          };
          const before = await volumeStatus(vol);
          assert.equal(lists, 0, 'status lists nothing');
          assert.deepEqual(before.physical, await expected());
          assert.equal(before.physical.bytes, 201_000);
          await collectGarbage(vol, { delete: true }); // drains the queue: the blocks of /a go
          assert.deepEqual((await volumeStatus(vol)).physical, { slices: 1, bytes: 1000 });
          await vol.meta.engine.txn((tx) => tx.addCounter('storedBytes', 5));
          const bad = await checkVolume(vol);
          assert.deepEqual(bad.problems.map((p) => p.detail), ['counter storedBytes is 1005, live and queued slices hold 1000']);
          await checkVolume(vol, { repair: true });
          assert.deepEqual((await checkVolume(vol)).problems, []);
          assert.deepEqual((await volumeStatus(vol)).physical, await expected());
        },
        { deleteObjects: false },
      );
    });

    it('finds and deletes objects no slice owns, sparing young ones', async () => {
      await withEngineVolume(engine, async ({ vol, storageDir }) => {
        await vol.writeFile('/f', Buffer.alloc(100_000, 1));
        const store = vol.vfs.chunks.store;
        await store.put(blockKey(987_654 as SliceId, 0, 3), Buffer.from('abc'));
        await store.put(blockKey(987_655 as SliceId, 0, 3), Buffer.from('def'));
        const objects = countObjects(storageDir);
        const young = await collectGarbage(vol, { delete: true });
        assert.equal(young.objects.leaked.objects, 0, 'objects younger than the threshold may be uploads in flight');
        const report = await collectGarbage(vol, { thresholdMs: 0 });
        assert.equal(report.objects.leaked.objects, 2);
        assert.equal(report.objects.leaked.bytes, 6);
        assert.equal(countObjects(storageDir), objects, 'reporting deletes nothing');
        await collectGarbage(vol, { delete: true, thresholdMs: 0 });
        assert.equal(countObjects(storageDir), objects - 2);
        assert.equal((await vol.readFile('/f')).length, 100_000, 'live data untouched');
        assert.deepEqual((await checkVolume(vol, { checkObjects: true })).problems, []);
      });
    });

    it('fsck --check-objects reports a missing block', async () => {
      await withEngineVolume(engine, async ({ vol }) => {
        await vol.writeFile('/f', Buffer.alloc(10_000, 1)); // above the inline size: a block
        const [record] = await vol.meta.readChunk((await vol.stat('/f')).ino as Ino, 0);
        await vol.vfs.chunks.store.delete(blockKey(record!.id, 0, 10_000));
        const report = await checkVolume(vol, { checkObjects: true });
        assert.deepEqual(report.problems.map((p) => p.kind), ['object-missing']);
      });
    });
  });
}
