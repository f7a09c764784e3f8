import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Ino } from '../src/meta/types.js';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { refreshLiveSettings } from '../src/meta/settings-refresh.js';
import { Readable, Writable } from 'node:stream';
import { checkQuotas, checkVolume, configureVolume, dumpVolume, getQuota, listQuotas, loadVolume, restoreTrash, setQuota, Volume } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';

const isErr = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

/** The usage recorded in a directory's quota: [bytes, inodes]. */
async function used(vol: Volume, path: string): Promise<[number, number]> {
  const q = await getQuota(vol, path);
  return [q.usedBytes, q.usedInodes];
}

for (const engine of testEngines()) {
  describe(`directory quotas [${engine.name}]`, () => {
    it('EDQUOT on write growth, create, rename into and clone into; usage exact through writes, truncates, unlinks, clones', async () => {
      await withEngineVolume(engine, async ({ vol }) => {
        await vol.mkdir('/q');
        await vol.mkdir('/out');
        await vol.writeFile('/q/a', Buffer.alloc(100, 1));
        await setQuota(vol, '/q', { capacity: 1000, inodes: 6 });
        assert.deepEqual(await used(vol, '/q'), [100, 1], 'what was there is counted when the quota is set');

        await vol.writeFile('/q/b', Buffer.alloc(800, 2));
        assert.deepEqual(await used(vol, '/q'), [900, 2]);
        await assert.rejects(vol.appendFile('/q/b', Buffer.alloc(200, 3)), isErr('EDQUOT'), 'a write growing past the capacity');
        await assert.rejects(vol.truncate('/q/b', 1001), isErr('EDQUOT'), 'a truncate growing past it');
        await vol.truncate('/q/b', 300);
        assert.deepEqual(await used(vol, '/q'), [400, 2], 'a truncate shrinks the usage');

        await vol.writeFile('/out/big', Buffer.alloc(700, 4));
        await assert.rejects(vol.rename('/out/big', '/q/big'), isErr('EDQUOT'), 'a rename into the tree counts the file');
        await assert.rejects(vol.clone('/out/big', '/q/big'), isErr('EDQUOT'), 'a file clone counts in full');
        await vol.mkdir('/out/tree');
        for (let i = 0; i < 3; i++) await vol.writeFile(`/out/tree/f${i}`, Buffer.alloc(250, i));
        await assert.rejects(vol.clone('/out/tree', '/q/tree'), isErr('EDQUOT'), 'a tree clone counts in full');
        await assert.rejects(vol.rename('/out/tree', '/q/tree'), isErr('EDQUOT'), 'a directory renamed in counts its tree');
        assert.equal(await vol.exists('/q/tree'), false, 'the refused clone left nothing');
        assert.deepEqual(await used(vol, '/q'), [400, 2], 'refused changes count nothing');

        await vol.unlink('/out/tree/f2');
        await vol.rename('/out/tree', '/q/tree'); // 3 inodes, 500 bytes
        assert.deepEqual(await used(vol, '/q'), [900, 5]);
        await vol.rename('/q/tree', '/out/tree');
        assert.deepEqual(await used(vol, '/q'), [400, 2], 'a rename out gives it back');
        await vol.clone('/out/tree', '/q/copy');
        assert.deepEqual(await used(vol, '/q'), [900, 5], 'a clone counts its bytes and inodes');
        await vol.mkdir('/q/d');
        await assert.rejects(vol.mkdir('/q/e'), isErr('EDQUOT'), 'a create past the inode limit');
        await assert.rejects(vol.symlink('a', '/q/s'), isErr('EDQUOT'));
        await assert.rejects(vol.link('/out/big', '/q/l'), isErr('EDQUOT'));
        await vol.unlink('/q/copy/f0');
        await vol.rmr('/q/d');
        assert.deepEqual(await used(vol, '/q'), [650, 4], 'unlinks and removals give back');
        await vol.link('/q/a', '/q/a2');
        assert.deepEqual(await used(vol, '/q'), [750, 5], 'a hard link counts once per name');
        await vol.unlink('/q/a2');
        assert.deepEqual(await checkQuotas(vol), [], 'the usage kept is the usage counted');
        assert.deepEqual((await checkVolume(vol)).problems, [], 'fsck takes quota records as they are');
      });
    });

    it('nested quotas all apply; check --repair sets a corrupted usage right; the trash; removing the directory removes its quota', async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl }) => {
        await configureVolume(metaUrl, { trashDays: 1 });
        await refreshLiveSettings(vol.meta.engine, vol.meta.settings); // what the heartbeat does
        await vol.mkdir('/t');
        await setQuota(vol, '/t', { capacity: 1000 });
        await vol.writeFile('/t/f', Buffer.alloc(600, 1));
        await vol.unlink('/t/f');
        assert.deepEqual(await used(vol, '/t'), [0, 0], 'a file in the trash is outside every quota');
        await vol.writeFile('/t/g', Buffer.alloc(500, 2));
        const refused = await restoreTrash(vol, ['/t/f']);
        assert.deepEqual(refused.failed.map((f) => f.error.code), ['EDQUOT'], 'a restore past the capacity');
        await vol.unlink('/t/g');
        assert.equal((await restoreTrash(vol, ['/t/f'])).restored.length, 1);
        assert.deepEqual(await used(vol, '/t'), [600, 1], 'a restored file counts again');

        await vol.mkdir('/p');
        await vol.mkdir('/p/c');
        await setQuota(vol, '/p', { capacity: 10_000 });
        await setQuota(vol, '/p/c', { capacity: 1000, inodes: 2 });
        await vol.writeFile('/p/c/x', Buffer.alloc(600, 1));
        assert.deepEqual(await used(vol, '/p'), [600, 2]);
        assert.deepEqual(await used(vol, '/p/c'), [600, 1]);
        await assert.rejects(vol.writeFile('/p/c/y', Buffer.alloc(600, 2)), isErr('EDQUOT'), 'the inner capacity applies');
        await vol.writeFile('/p/c/y', 'y');
        await assert.rejects(vol.writeFile('/p/c/z', 'z'), isErr('EDQUOT'), 'the inner inode limit applies');
        await vol.writeFile('/p/big', Buffer.alloc(9200, 3));
        await assert.rejects(vol.appendFile('/p/c/y', Buffer.alloc(300, 4)), isErr('EDQUOT'), 'the outer capacity applies inside the inner tree');
        assert.deepEqual(await used(vol, '/p'), [9801, 4]);

        const inner = await getQuota(vol, '/p/c');
        await vol.meta.engine.txn((tx) => tx.addQuotaUsage(inner.ino as Ino, { bytes: 77, inodes: -1 }));
        const found = await checkQuotas(vol);
        assert.deepEqual(found.map((d) => [d.path, d.usedBytes, d.countedBytes, d.usedInodes, d.countedInodes, d.repaired]), [['/p/c', 678, 601, 1, 2, false]]);
        assert.equal((await checkQuotas(vol, { repair: true }))[0]?.repaired, true);
        assert.deepEqual(await checkQuotas(vol), []);
        assert.deepEqual(await used(vol, '/p/c'), [601, 2]);

        await vol.rmr('/p/c');
        assert.deepEqual((await listQuotas(vol)).map((q) => q.path), ['/t', '/p'], 'the removed directory took its quota');
        assert.deepEqual(await used(vol, '/p'), [9200, 1]);
        await vol.mkdir('/p/c');
        await assert.rejects(getQuota(vol, '/p/c'), isErr('ENODATA'), 'a new directory of the same name has none');
        await assert.rejects(setQuota(vol, '/', { capacity: 1 }), isErr('EINVAL'), 'the root takes the volume limits');

        // A dump carries quotas with their usage; the loaded volume enforces them. (The load goes
        // through the engine primitives every engine's tests above use: two engines suffice.)
        if (engine.name !== 'mem' && engine.name !== 'sqlite3') return;
        let text = '';
        await dumpVolume(metaUrl, new Writable({ write: (chunk: Buffer, _e, cb) => void ((text += chunk.toString()), cb()) }));
        const target = await engine.newUrl();
        try {
          await loadVolume(target, Readable.from([text]));
          const loaded = await Volume.open(target);
          try {
            assert.deepEqual((await listQuotas(loaded)).map((q) => [q.path, q.capacity, q.usedBytes, q.usedInodes]), [['/t', 1000, 600, 1], ['/p', 10_000, 9200, 2]]);
            await assert.rejects(loaded.writeFile('/p/more', Buffer.alloc(900, 5)), isErr('EDQUOT'));
          } finally {
            await loaded.close();
          }
        } finally {
          await engine.cleanup(target);
        }
      });
    });

  });
}
