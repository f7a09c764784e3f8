import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { checkVolume } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';
import { countObjects } from './support/tree.js';

// writeFile of a new file with small data creates it holding its data in one transaction
// (src/sdk/write-new-file.ts); everything else takes open, write and close. Both must leave
// the same file, counters fsck agrees with, and no object behind when they fail.
for (const engine of testEngines()) {
  describe(`writeFile of a new small file (${engine.name})`, () => {
    it('creates it with its data, mode under the umask and exact counters; overwrites and wx behave as Node', () =>
      withEngineVolume(engine, async ({ vol, storageDir }) => {
        await vol.mkdir('/d');
        await vol.writeFile('/d/a', 'hello', { mode: 0o640 });
        await vol.writeFile('/d/b', Buffer.alloc(0));
        assert.equal(await vol.readFile('/d/a', 'utf8'), 'hello');
        assert.equal((await vol.stat('/d/a')).mode & 0o7777, 0o640 & ~0o022);
        assert.equal((await vol.stat('/d/b')).size, 0);
        assert.equal(countObjects(storageDir), 0, 'data up to the inline size (4 KiB) is kept in the engine');
        await vol.writeFile('/d/big', Buffer.alloc(5000, 7));
        assert.equal(countObjects(storageDir), 1, 'above it: one object');
        assert.ok((await vol.readFile('/d/big')).equals(Buffer.alloc(5000, 7)));
        await vol.unlink('/d/big');
        await vol.writeFile('/d/a', 'again, longer');
        assert.equal(await vol.readFile('/d/a', 'utf8'), 'again, longer');
        await assert.rejects(vol.writeFile('/d/a', 'x', { flag: 'wx' }), { code: 'EEXIST', syscall: 'open', path: '/d/a' });
        await vol.writeFile('/d/c', 'new', { flag: 'wx' });
        assert.equal(await vol.readFile('/d/c', 'utf8'), 'new');
        const usage = await vol.meta.usage();
        assert.equal(usage.usedBytes, 'again, longer'.length + 'new'.length);
        assert.deepEqual((await checkVolume(vol, { checkObjects: true })).problems, []);
      }));

    it('a failed create (missing parent, not a directory, permission) leaves no object', () =>
      withEngineVolume(engine, async ({ vol, storageDir, another }) => {
        await vol.writeFile('/file', 'x');
        const before = countObjects(storageDir);
        const data = Buffer.alloc(5000, 1); // above the inline size: it is uploaded first
        await assert.rejects(vol.writeFile('/missing/a', data), { code: 'ENOENT' });
        await assert.rejects(vol.writeFile('/file/a', data), { code: 'ENOTDIR' });
        await vol.mkdir('/locked', 0o755);
        const nobody = await another({ caller: { uid: 65534, gid: 65534, gids: [] } });
        await assert.rejects(nobody.writeFile('/locked/a', data), { code: 'EACCES', path: '/locked/a' });
        await assert.rejects(nobody.writeFile('/locked/b', 'inline'), { code: 'EACCES', path: '/locked/b' });
        assert.equal(countObjects(storageDir), before);
        assert.deepEqual((await checkVolume(vol)).problems, []);
      }));
  });
}
