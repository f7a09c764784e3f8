import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { checkVolume, configureVolume, Volume } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';
import { buildTree } from './support/tree.js';

const isErr = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

/** A wider tree: `dirs` directories of `files` files each under `root`. */
async function wideTree(vol: Volume, root: string, spec: { dirs: number; files: number }): Promise<number> {
  await vol.mkdir(root);
  for (let d = 0; d < spec.dirs; d++) {
    await vol.mkdir(`${root}/d${d}`);
    for (let f = 0; f < spec.files; f++) await vol.writeFile(`${root}/d${d}/f${f}`, `${d}-${f}`);
  }
  return 1 + spec.dirs * (1 + spec.files);
}

for (const engine of testEngines()) {
  describe(`rmr inside the engine [${engine.name}]`, () => {
    it('removes a tree in batches: usage goes back, hard links outside survive, fsck is clean', async () => {
      await withEngineVolume(engine, async ({ vol }) => {
        const before = await vol.meta.usage();
        const built = await buildTree(vol, '/t', { files: 30 });
        await vol.link('/t/sub/f1', '/kept');
        const entries = built.inodes + (await wideTree(vol, '/t/wide', { dirs: 4, files: 6 }));
        const seen: number[] = [];
        assert.equal(await vol.rmr('/t', { batchSize: 7, onProgress: (done) => seen.push(done) }), entries);
        assert.equal(seen[seen.length - 1], entries);
        assert.equal(await vol.exists('/t'), false);
        assert.deepEqual(await vol.readFile('/kept'), Buffer.alloc(3001, 1), 'the other link keeps the file');
        assert.equal((await vol.stat('/kept')).nlink, 1);
        const after = await vol.meta.usage();
        assert.deepEqual([after.inodes, after.usedBytes], [before.inodes + 1, before.usedBytes + 3001]);
        assert.deepEqual((await checkVolume(vol)).problems, []);
        assert.equal(await vol.rmr('/kept'), 1, 'a file is one entry');
        await assert.rejects(vol.rmr('/kept'), isErr('ENOENT'));
        await assert.rejects(vol.rmr('/'), isErr('EBUSY'));
      });
    });

    it('goes through the trash when the volume keeps one: files land there, directories go', async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl, another }) => {
        await vol.close();
        await configureVolume(metaUrl, { trashDays: 1 });
        const v = await another();
        await wideTree(v, '/t', { dirs: 2, files: 3 });
        const usage = await v.meta.usage();
        await v.rmr('/t');
        assert.equal(await v.exists('/t'), false);
        const hours = await v.readdir('/.trash');
        assert.equal(hours.length, 1);
        const trashed = (await v.readdir(`/.trash/${hours[0]}`)).sort();
        assert.equal(trashed.length, 6, `files in the trash: ${trashed.join(' ')}`);
        assert.ok(trashed.every((n) => /-f\d$/.test(n)));
        const after = await v.meta.usage();
        assert.equal(after.usedBytes, usage.usedBytes, 'trashed files still count');
        assert.deepEqual((await checkVolume(v)).problems, []);
      });
    });

    it('an interrupted rmr leaves a consistent, smaller tree that a second rmr finishes', async () => {
      await withEngineVolume(engine, async ({ vol }) => {
        const entries = await wideTree(vol, '/t', { dirs: 5, files: 8 });
        const controller = new AbortController();
        await assert.rejects(
          vol.rmr('/t', { batchSize: 4, signal: controller.signal, onProgress: (done) => done >= 12 && controller.abort(new Error('stop')) }),
          /stop/,
        );
        assert.equal(await vol.exists('/t'), true);
        assert.deepEqual((await checkVolume(vol)).problems, [], 'fsck is clean after the interruption');
        const rest = await vol.rmr('/t');
        assert.equal(rest, entries - 12);
        assert.equal(await vol.exists('/t'), false);
        assert.deepEqual((await checkVolume(vol)).problems, []);
      });
    });

    it('needs the permissions rm -rf needs: EACCES before anything is removed', async () => {
      await withEngineVolume(engine, async ({ vol, another }) => {
        await vol.mkdir('/pub');
        await vol.chmod('/pub', 0o777);
        await wideTree(vol, '/pub/t', { dirs: 2, files: 2 });
        await vol.chmod('/pub/t/d1', 0o755);
        const user = await another({ caller: { uid: 1000, gid: 1000, gids: [] } });
        await assert.rejects(user.rmr('/pub/t'), isErr('EACCES'));
        assert.equal((await vol.readdir('/pub/t/d0')).length, 2, 'nothing was removed');
        await vol.chown('/pub/t', 1000, 1000);
        for (const d of ['/pub/t/d0', '/pub/t/d1']) await vol.chown(d, 1000, 1000);
        assert.equal(await user.rmr('/pub/t'), 7);
      });
    });
  });
}
