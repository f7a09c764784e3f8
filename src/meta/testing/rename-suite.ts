import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RENAME_EXCHANGE, RENAME_NOREPLACE } from '../meta.js';
import { ROOT_INO } from '../types.js';
import { n, rejectsWith, root, withMeta } from './harness.js';
import type { TestEngine } from './test-engines.js';

/** rename(2) and renameat2(2) semantics. */
export function renameSuite(engine: TestEngine): void {
  describe(`meta rename [${engine.name}]`, () => {
    it('moves files and directories, keeping link counts and parents right', async () => {
      await withMeta(engine, async (m) => {
        const a = await m.mkdir(root, ROOT_INO, n('a'), 0o755);
        const b = await m.mkdir(root, ROOT_INO, n('b'), 0o755);
        const sub = await m.mkdir(root, a.ino, n('sub'), 0o755);
        const f = await m.mknod(root, a.ino, n('f'), { type: 'file', mode: 0o644 });
        await m.rename(root, { parent: a.ino, name: n('f'), newParent: a.ino, newName: n('g') });
        assert.equal((await m.lookup(root, a.ino, n('g'))).ino, f.ino);
        await rejectsWith(m.lookup(root, a.ino, n('f')), 'ENOENT');
        await m.rename(root, { parent: a.ino, name: n('sub'), newParent: b.ino, newName: n('sub') });
        assert.equal((await m.getattr(a.ino)).nlink, 2);
        assert.equal((await m.getattr(b.ino)).nlink, 3);
        assert.equal((await m.lookup(root, sub.ino, n('..'))).ino, b.ino);
        await rejectsWith(m.rename(root, { parent: a.ino, name: n('nope'), newParent: b.ino, newName: n('x') }), 'ENOENT');
      });
    });

    it('replaces files and empty directories, refuses mismatched or non-empty targets', async () => {
      await withMeta(engine, async (m) => {
        const d = await m.mkdir(root, ROOT_INO, n('d'), 0o755);
        const f1 = await m.mknod(root, d.ino, n('f1'), { type: 'file', mode: 0o644 });
        const f2 = await m.mknod(root, d.ino, n('f2'), { type: 'file', mode: 0o644 });
        await m.rename(root, { parent: d.ino, name: n('f1'), newParent: d.ino, newName: n('f2') });
        assert.equal((await m.lookup(root, d.ino, n('f2'))).ino, f1.ino);
        await rejectsWith(m.getattr(f2.ino), 'ENOENT');
        const e1 = await m.mkdir(root, d.ino, n('e1'), 0o755);
        await m.mkdir(root, d.ino, n('e2'), 0o755);
        const full = await m.mkdir(root, d.ino, n('full'), 0o755);
        await m.mknod(root, full.ino, n('x'), { type: 'file', mode: 0o644 });
        await rejectsWith(m.rename(root, { parent: d.ino, name: n('e1'), newParent: d.ino, newName: n('f2') }), 'ENOTDIR');
        await rejectsWith(m.rename(root, { parent: d.ino, name: n('f2'), newParent: d.ino, newName: n('e1') }), 'EISDIR');
        await rejectsWith(m.rename(root, { parent: d.ino, name: n('e1'), newParent: d.ino, newName: n('full') }), 'ENOTEMPTY');
        const before = (await m.getattr(d.ino)).nlink;
        await m.rename(root, { parent: d.ino, name: n('e1'), newParent: d.ino, newName: n('e2') });
        assert.equal((await m.lookup(root, d.ino, n('e2'))).ino, e1.ino);
        assert.equal((await m.getattr(d.ino)).nlink, before - 1);
        assert.equal((await m.usage()).inodes, 6);
      });
    });

    it('refuses to move a directory into its own subtree', async () => {
      await withMeta(engine, async (m) => {
        const a = await m.mkdir(root, ROOT_INO, n('a'), 0o755);
        const b = await m.mkdir(root, a.ino, n('b'), 0o755);
        const c = await m.mkdir(root, b.ino, n('c'), 0o755);
        await rejectsWith(m.rename(root, { parent: ROOT_INO, name: n('a'), newParent: c.ino, newName: n('a') }), 'EINVAL');
        await rejectsWith(m.rename(root, { parent: ROOT_INO, name: n('a'), newParent: a.ino, newName: n('x') }), 'EINVAL');
        await rejectsWith(m.rename(root, { parent: ROOT_INO, name: n('a'), newParent: ROOT_INO, newName: n('.') }), 'EBUSY');
      });
    });

    it('RENAME_NOREPLACE fails on an existing target, RENAME_EXCHANGE swaps two entries', async () => {
      await withMeta(engine, async (m) => {
        const a = await m.mkdir(root, ROOT_INO, n('a'), 0o755);
        const b = await m.mkdir(root, ROOT_INO, n('b'), 0o755);
        const f = await m.mknod(root, a.ino, n('f'), { type: 'file', mode: 0o644 });
        const sub = await m.mkdir(root, b.ino, n('sub'), 0o755);
        await rejectsWith(
          m.rename(root, { parent: a.ino, name: n('f'), newParent: b.ino, newName: n('sub'), flags: RENAME_NOREPLACE }),
          'EEXIST',
        );
        await m.rename(root, { parent: a.ino, name: n('f'), newParent: b.ino, newName: n('sub'), flags: RENAME_EXCHANGE });
        assert.equal((await m.lookup(root, a.ino, n('f'))).ino, sub.ino);
        assert.equal((await m.lookup(root, b.ino, n('sub'))).ino, f.ino);
        assert.equal((await m.getattr(a.ino)).nlink, 3);
        assert.equal((await m.getattr(b.ino)).nlink, 2);
        assert.equal((await m.lookup(root, sub.ino, n('..'))).ino, a.ino);
        await rejectsWith(
          m.rename(root, { parent: a.ino, name: n('f'), newParent: b.ino, newName: n('none'), flags: RENAME_EXCHANGE }),
          'ENOENT',
        );
        await rejectsWith(
          m.rename(root, { parent: a.ino, name: n('f'), newParent: b.ino, newName: n('x'), flags: RENAME_EXCHANGE | RENAME_NOREPLACE }),
          'EINVAL',
        );
      });
    });

    it('renaming one hard link onto another of the same inode does nothing', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        await m.link(root, f.ino, ROOT_INO, n('g'));
        await m.rename(root, { parent: ROOT_INO, name: n('f'), newParent: ROOT_INO, newName: n('g') });
        assert.equal((await m.lookup(root, ROOT_INO, n('f'))).ino, f.ino);
        assert.equal((await m.getattr(f.ino)).nlink, 2);
      });
    });
  });
}
