import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alice, n, rejectsWith, root, withMeta } from '../../testing/harness.js';
import { TEST_ENGINES, type TestEngine } from '../../testing/test-engines.js';
import { type Attr, type Ino, ROOT_INO, type SliceId } from '../../types.js';
import { redisActivity } from './activity.js';
import { chunkReferences } from '../../testing/chunk-references.js';

const redis = TEST_ENGINES.find((e) => e.name === 'redis') as TestEngine;
const t0 = { sec: 1, nsec: 0 };

describe('redis engine: set-based clone', () => {
  it('clones a tree bigger than one transaction completely, in requests per batch rather than per entry', async () => {
    await withMeta(redis, async (m) => {
      const src = await m.mkdir(root, ROOT_INO, n('src'), 0o755);
      const [dirs, perDir] = [3, 900];
      const first = (await m.engine.incrCounter('nextInode', dirs * (perDir + 1))) - dirs * (perDir + 1);
      const firstSlice = (await m.engine.incrCounter('nextSlice', dirs * perDir)) - dirs * perDir;
      const attr = (ino: number, type: 'file' | 'dir', parent: Ino): Attr => ({
        ino: ino as Ino, type, mode: 0o755, uid: 0, gid: 0, nlink: type === 'dir' ? 2 : 1, length: type === 'file' ? 10 : 0,
        rdev: 0, atime: t0, mtime: t0, ctime: t0, parent,
      });
      let ino = first;
      let slice = firstSlice;
      for (let d = 0; d < dirs; d++) {
        const dir = ++ino as Ino;
        await m.engine.txn(async (tx) => {
          await tx.putInode(attr(dir, 'dir', src.ino));
          await tx.putEdge(src.ino, { name: n(`d${d}`), ino: dir, type: 'dir' });
          for (let i = 0; i < perDir; i++) {
            const f = ++ino as Ino;
            const id = ++slice as SliceId;
            await tx.putInode(attr(f, 'file', dir));
            await tx.putEdge(dir, { name: n(`f${i}`), ino: f, type: 'file' });
            await tx.createSlice(id, 10);
            await tx.appendChunk(f, 0, [{ pos: 0, id, size: 10, off: 0, len: 10 }]);
          }
          if (d === 0) await tx.putXattr(ino as Ino, 'user.k', n('v'));
          await tx.addCounter('inodes', perDir + 1);
          await tx.addCounter('usedBytes', perDir * 10);
        });
      }
      await m.engine.txn(async (tx) => tx.putInode({ ...(await tx.getInode(src.ino))!, nlink: 2 + dirs }));
      const before = await m.usage();
      const requests = redisActivity().requests;
      const copy = await m.clone(root, { src: src.ino, parent: ROOT_INO, name: n('dst') });
      const used = redisActivity().requests - requests;
      assert.ok(used < 200, `${used} requests for ${dirs * perDir} entries`);
      const entries = dirs * (perDir + 1);
      assert.deepEqual(await m.usage(), { usedBytes: before.usedBytes * 2, inodes: before.inodes + entries + 1 });
      assert.equal((await m.getattr(copy.ino)).nlink, 2 + dirs);
      const d1 = await m.lookup(root, copy.ino, n('d1'));
      const listed = (await m.readdir(root, d1.ino, { limit: 10_000 })).entries;
      assert.equal(listed.length, perDir);
      const f = await m.lookup(root, (await m.lookup(root, copy.ino, n('d0'))).ino, n(`f${perDir - 1}`));
      assert.equal((await m.getxattr(root, f.ino, 'user.k')).toString(), 'v');
      const totals = await m.engine.totals();
      assert.equal(totals.inodes, before.inodes + entries + 1);
      assert.equal(totals.slices, dirs * perDir, 'no slice created');
      const refs = await m.engine.scanSlices(0, 10_000);
      assert.ok(refs.every((s) => s.refs === 2), 'every slice referenced by the source and the copy');
      assert.deepEqual((await chunkReferences(m.engine)).counts.get((firstSlice + 1) as SliceId), 2);
    });
  });

  it('a --consistent clone checks read permission on what it copies, in its transaction: a file chmod-ed or added unreadable during the clone gives EACCES, nothing left', async () => {
    await withMeta(redis, async (m) => {
      const src = await m.mkdir(root, ROOT_INO, n('src'), 0o755);
      const dirs: Ino[] = [];
      for (let d = 0; d < 3; d++) {
        const dir = await m.mkdir(root, src.ino, n(`d${d}`), 0o755);
        dirs.push(dir.ino);
        for (let f = 0; f < 4; f++) await m.create(root, dir.ino, n(`f${f}`), 0o644);
      }
      const home = await m.mkdir(root, ROOT_INO, n('home'), 0o755);
      await m.setattr(root, home.ino, { uid: alice.uid, gid: alice.gid });
      const before = await m.usage();
      for (const change of [
        () => m.lookup(root, dirs[2]!, n('f3')).then((f) => m.setattr(root, f.ino, { mode: 0o600 })),
        () => m.create(root, dirs[2]!, n('secret'), 0o600),
      ]) {
        let steps = 0;
        // The pre-check passed; before the clone lists the last directory, another client changes it.
        const beforeBatch = async () => void (++steps === 2 && (await change()));
        await rejectsWith(m.clone(alice, { src: src.ino, parent: home.ino, name: n('copy') }, { consistent: true, batchSize: 3, beforeBatch }), 'EACCES');
        assert.ok(steps >= 2, `the pre-check passed, a step refused (${steps} steps)`);
        await rejectsWith(m.lookup(root, home.ino, n('copy')), 'ENOENT');
        assert.deepEqual(await m.engine.listDetached(), []);
        await m.lookup(root, dirs[2]!, n('f3')).then((f) => m.setattr(root, f.ino, { mode: 0o644 }));
      }
      assert.deepEqual((await m.usage()).inodes, before.inodes + 1, 'only the added file: nothing of the refused clone');
      const copy = await m.clone(alice, { src: dirs[0]!, parent: home.ino, name: n('ok') }, { consistent: true });
      assert.equal((await m.readdir(alice, copy.ino)).entries.length, 4, 'a readable tree still clones');
    });
  });
});
