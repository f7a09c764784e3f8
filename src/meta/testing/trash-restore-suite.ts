import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../../errors/index.js';
import { fsck } from '../fsck/fsck.js';
import { listTrash, type TrashEntry } from '../trash/list-trash.js';
import { restoreFromTrash, selectTrash } from '../trash/restore.js';
import { type Caller, ROOT_INO, type SliceId, TRASH_INO } from '../types.js';
import { alice, bob, n, rejectsWith, root, withMeta } from './harness.js';
import type { TestEngine } from './test-engines.js';

const open: Caller = { ...root, umask: 0 };

async function rejectsNaming(promise: Promise<unknown>, expected: { code: FsError['code']; path: string; detail: RegExp }): Promise<void> {
  const err = await promise.then(() => assert.fail(`expected ${expected.code}`), (e: unknown) => e);
  assert.ok(err instanceof FsError, String(err));
  assert.equal(err.code, expected.code, err.message);
  assert.equal(err.path, expected.path);
  assert.match(err.detail ?? '', expected.detail);
}

/** Listing the trash and restoring from it: who sees and restores what, and what refuses. */
export function trashRestoreSuite(engine: TestEngine): void {
  describe(`meta trash restore [${engine.name}]`, () => {
    it('lists trashed files with their original paths to root and to their owners, and puts them back', async () => {
      await withMeta(
        engine,
        async (m) => {
          const d = await m.mkdir(open, ROOT_INO, n('d'), 0o777);
          const a = await m.mknod(alice, d.ino, n('a'), { type: 'file', mode: 0o644 });
          const id = (await m.newSliceId()) as SliceId;
          await m.commitSlices(a.ino, [{ index: 0, record: { pos: 0, id, size: 10, off: 0, len: 10 } }]);
          const b = await m.mknod(bob, d.ino, n('b'), { type: 'file', mode: 0o644 });
          await m.unlink(alice, d.ino, n('a'));
          await m.unlink(bob, d.ino, n('b'));

          const all = await listTrash(m.engine, root);
          assert.deepEqual(
            all.map((e) => [e.originalPath, e.ino, e.uid, e.size, e.type]),
            [[`/d/a`, a.ino, alice.uid, 10, 'file'], [`/d/b`, b.ino, bob.uid, 0, 'file']],
          );
          assert.ok(all.every((e) => e.trashPath.startsWith('/.trash/') && Math.abs(e.deletedAt - Date.now()) < 3_600_000));
          assert.deepEqual((await listTrash(m.engine, alice)).map((e) => e.ino), [a.ino], 'an owner sees only their own files');

          const [ea, eb] = all;
          await rejectsNaming(restoreFromTrash(m.engine, alice, eb!), { code: 'EACCES', path: eb!.trashPath, detail: /owned by uid 1002/ });
          const back = await restoreFromTrash(m.engine, alice, ea!);
          assert.deepEqual(back, { ino: a.ino, path: '/d/a' });
          const attr = await m.getattr(a.ino);
          assert.equal(attr.parent, d.ino);
          assert.equal(attr.length, 10);
          assert.equal((await m.lookup(alice, d.ino, n('a'))).ino, a.ino);
          assert.deepEqual(await m.pendingSlices(10), [], 'its data came back with it');
          await rejectsWith(restoreFromTrash(m.engine, root, ea!), 'ENOENT');
          assert.deepEqual((await listTrash(m.engine, root)).map((e) => e.ino), [b.ino]);
          assert.deepEqual((await fsck(m.engine)).problems, []);
        },
        { trashDays: 1 },
      );
    });

    it('refuses an occupied path (EEXIST, naming it), a removed directory without a target (ENOENT), an unwritable target (EACCES)', async () => {
      await withMeta(
        engine,
        async (m) => {
          const d = await m.mkdir(open, ROOT_INO, n('d'), 0o777);
          const gone = await m.mkdir(open, ROOT_INO, n('gone'), 0o777);
          const ro = await m.mkdir(root, ROOT_INO, n('ro'), 0o755);
          const f = await m.mknod(alice, d.ino, n('f'), { type: 'file', mode: 0o644 });
          const c = await m.mknod(alice, gone.ino, n('c'), { type: 'file', mode: 0o644 });
          await m.unlink(alice, d.ino, n('f'));
          await m.unlink(alice, gone.ino, n('c'));
          await m.rmdir(root, ROOT_INO, n('gone'));
          const taker = await m.mknod(bob, d.ino, n('f'), { type: 'file', mode: 0o644 });

          const entries = await listTrash(m.engine, alice);
          const ef = entries.find((e) => e.ino === f.ino)!;
          const ec = entries.find((e) => e.ino === c.ino)!;
          assert.equal(ec.originalPath, undefined, 'its directory is gone');
          assert.equal(ec.originalName, 'c');
          await rejectsNaming(restoreFromTrash(m.engine, alice, ef), { code: 'EEXIST', path: '/d/f', detail: new RegExp(`inode ${taker.ino}`) });
          await rejectsNaming(restoreFromTrash(m.engine, root, ec), { code: 'ENOENT', path: ec.trashPath, detail: /--to DIR/ });
          await rejectsNaming(restoreFromTrash(m.engine, alice, { ...ec, to: ro.ino }), { code: 'EACCES', path: '/ro', detail: /may not write/ });
          await rejectsWith(restoreFromTrash(m.engine, root, { ...ec, to: TRASH_INO }), 'EPERM');
          assert.equal((await listTrash(m.engine, root)).length, 2, 'nothing moved');

          assert.deepEqual(await restoreFromTrash(m.engine, root, { ...ec, to: ro.ino }), { ino: c.ino, path: '/ro/c' }, 'root may restore anywhere');
          await m.unlink(bob, d.ino, n('f'));
          const [newest] = selectTrash(await listTrash(m.engine, root), ['/d/f']);
          assert.equal(newest!.ino, taker.ino, 'of two deletions of one path, the newest is taken');
          assert.deepEqual(await restoreFromTrash(m.engine, alice, ef), { ino: f.ino, path: '/d/f' }, 'once the path is free again');
          assert.deepEqual((await fsck(m.engine)).problems, []);
        },
        { trashDays: 1 },
      );
    });

    it('selects entries by original path, by directory below which they were, or by trash path', () => {
      const entry = (ino: number, originalPath: string | undefined, deletedAt: number, hour = '2026-01-01-00') =>
        ({ ino, originalPath, deletedAt, hour, name: `2-${ino}-x`, trashPath: `/.trash/${hour}/2-${ino}-x` }) as unknown as TrashEntry;
      const entries = [entry(10, '/d/x', 1), entry(11, '/d/x', 2), entry(12, '/d/sub/y', 1), entry(13, '/dd/z', 1), entry(14, undefined, 1, '2026-01-01-01')];
      const inos = (paths: string[]) => selectTrash(entries, paths).map((e) => e.ino).sort();
      assert.deepEqual(inos(['/d/x']), [11]);
      assert.deepEqual(inos(['/d/']), [11, 12], 'a directory takes what was below it, not /dd');
      assert.deepEqual(inos(['/']), [11, 12, 13], 'entries whose directory is gone have no original path');
      assert.deepEqual(inos(['/.trash/2026-01-01-01']), [14]);
      assert.deepEqual(inos(['/.trash/2026-01-01-00/2-10-x', '/d/x']), [10, 11]);
      assert.throws(() => selectTrash(entries, ['/nothing']), (e: unknown) => e instanceof FsError && e.code === 'ENOENT');
    });
  });
}
