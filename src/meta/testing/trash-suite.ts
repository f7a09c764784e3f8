import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fsck } from '../fsck/fsck.js';
import { purgeTrash } from '../trash/purge-trash.js';
import { hourName } from '../trash/trash.js';
import { ROOT_INO, type SliceId, TRASH_INO } from '../types.js';
import { n, rejectsWith, root, withMeta } from './harness.js';
import type { TestEngine } from './test-engines.js';

/** A volume formatted with trash days keeps deleted files in /.trash until they are purged. */
export function trashSuite(engine: TestEngine): void {
  describe(`meta trash [${engine.name}]`, () => {
    it('keeps the last link of deleted and replaced files in /.trash/<hour>/, and nothing else', async () => {
      await withMeta(
        engine,
        async (m) => {
          const d = await m.mkdir(root, ROOT_INO, n('d'), 0o755);
          const f = await m.mknod(root, d.ino, n('f'), { type: 'file', mode: 0o644 });
          const id = await m.newSliceId();
          await m.commitSlices(f.ino, [{ index: 0, record: { pos: 0, id: id as SliceId, size: 10, off: 0, len: 10 } }]);
          const usage = await m.usage();
          const trash = await m.lookup(root, ROOT_INO, n('.trash'));
          assert.deepEqual((await m.readdir(root, TRASH_INO)).entries, [], 'format made an empty trash');
          await m.unlink(root, d.ino, n('f'));
          assert.equal(trash.ino, TRASH_INO);
          assert.equal(trash.mode, 0o700);
          const [hour] = (await m.readdir(root, TRASH_INO)).entries;
          assert.equal(hour!.name.toString(), hourName(Date.now()));
          const [kept] = (await m.readdir(root, hour!.ino)).entries;
          assert.equal(kept!.name.toString(), `${d.ino}-${f.ino}-f`);
          assert.equal(kept!.ino, f.ino);
          assert.equal((await m.getattr(f.ino)).nlink, 1);
          assert.deepEqual(await m.pendingSlices(10), [], 'its data stays');
          assert.equal((await m.usage()).usedBytes, usage.usedBytes);

          const g = await m.mknod(root, d.ino, n('g'), { type: 'file', mode: 0o644 });
          const h = await m.mknod(root, d.ino, n('h'), { type: 'file', mode: 0o644 });
          await m.rename(root, { parent: d.ino, name: n('h'), newParent: d.ino, newName: n('g') });
          assert.ok((await m.readdir(root, hour!.ino)).entries.some((e) => e.ino === g.ino), 'a replaced file goes to the trash');
          await m.link(root, h.ino, d.ino, n('h2'));
          await m.unlink(root, d.ino, n('h2'));
          assert.ok(!(await m.readdir(root, hour!.ino)).entries.some((e) => e.ino === h.ino), 'a file with links left does not');

          await rejectsWith(m.mkdir(root, TRASH_INO, n('x'), 0o755), 'EPERM');
          await rejectsWith(m.mknod(root, hour!.ino, n('x'), { type: 'file', mode: 0o644 }), 'EPERM');
          await rejectsWith(m.rmdir(root, ROOT_INO, n('.trash')), 'EPERM');
          await rejectsWith(m.rename(root, { parent: ROOT_INO, name: n('.trash'), newParent: d.ino, newName: n('t') }), 'EPERM');
          await rejectsWith(m.rename(root, { parent: d.ino, name: n('g'), newParent: hour!.ino, newName: n('t') }), 'EPERM');
          await rejectsWith(m.clone(root, { src: f.ino, parent: ROOT_INO, name: n('c') }), 'EPERM');

          await m.rename(root, { parent: hour!.ino, name: kept!.name, newParent: d.ino, newName: n('restored') });
          assert.equal((await m.lookup(root, d.ino, n('restored'))).ino, f.ino, 'a file is restored by moving it out');
          await m.rename(root, { parent: d.ino, name: n('restored'), newParent: d.ino, newName: n('g') });
          assert.deepEqual((await fsck(m.engine)).problems, []);
        },
        { trashDays: 1 },
      );
    });

    it('deleting in the trash is final, and purging removes hours older than the trash days', async () => {
      await withMeta(
        engine,
        async (m) => {
          const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
          const id = (await m.newSliceId()) as SliceId;
          await m.commitSlices(f.ino, [{ index: 0, record: { pos: 0, id, size: 10, off: 0, len: 10 } }]);
          await m.mknod(root, ROOT_INO, n('g'), { type: 'file', mode: 0o644 });
          await m.unlink(root, ROOT_INO, n('f'));
          await m.unlink(root, ROOT_INO, n('g'));
          const [hour] = (await m.readdir(root, TRASH_INO)).entries;
          const [first] = (await m.readdir(root, hour!.ino)).entries;
          await m.unlink(root, hour!.ino, first!.name);
          assert.equal((await m.readdir(root, hour!.ino)).entries.length, 1);
          assert.equal(await purgeTrash(m.engine, { trashDays: 1 }), 0, 'nothing is old enough yet');
          const removed = await purgeTrash(m.engine, { trashDays: 1, now: Date.now() + 2 * 86_400_000 });
          assert.equal(removed, 2, 'the hour directory and the file left in it');
          assert.deepEqual((await m.readdir(root, TRASH_INO)).entries, []);
          assert.deepEqual((await m.pendingSlices(10)).map((p) => p.id), [id]);
          assert.equal((await m.usage()).inodes, 2, 'root and the trash');
          assert.deepEqual((await fsck(m.engine)).problems, []);
        },
        { trashDays: 1 },
      );
    });
  });
}
