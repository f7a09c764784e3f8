import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '../../errors/index.js';
import { ROOT_INO, type Ino } from '../types.js';
import { readEntry } from '../ops/inode-records.js';
import { VolumeMeta } from '../volume-meta.js';
import { n, rejectsWith, root, testSettings, withMeta } from './harness.js';
import type { TestEngine } from './test-engines.js';

/** Format, open, create, look up, link and remove. */
export function namespaceSuite(engine: TestEngine): void {
  describe(`meta namespace [${engine.name}]`, () => {
    it('formats once, refuses a second format, and opens with the stored settings', async () => {
      const url = await engine.newUrl();
      try {
        await assert.rejects(VolumeMeta.open(url), (e: unknown) => e instanceof CodedError && e.code === 'ERR_NOT_FORMATTED');
        const settings = testSettings();
        await VolumeMeta.format(url, settings);
        await assert.rejects(VolumeMeta.format(url, testSettings()), (e: unknown) => e instanceof CodedError && e.code === 'ERR_ALREADY_FORMATTED');
        const meta = await VolumeMeta.open(url);
        assert.equal(meta.settings.uuid, settings.uuid);
        const rootAttr = await meta.getattr(ROOT_INO);
        assert.equal(rootAttr.type, 'dir');
        assert.equal(rootAttr.nlink, 2);
        await meta.close();
        await VolumeMeta.format(url, testSettings(), true);
      } finally {
        await engine.cleanup(url);
      }
    });

    it('creates directories, files, special files and symlinks, and looks them up', async () => {
      await withMeta(engine, async (m) => {
        const d = await m.mkdir(root, ROOT_INO, n('dir'), 0o755);
        assert.equal(d.type, 'dir');
        assert.equal(d.mode, 0o755);
        assert.equal((await m.getattr(ROOT_INO)).nlink, 3);
        const f = await m.mknod(root, d.ino, n('file'), { type: 'file', mode: 0o666 });
        assert.equal(f.mode, 0o644, 'umask 022 applies');
        assert.equal(f.nlink, 1);
        const fifo = await m.mknod(root, d.ino, n('fifo'), { type: 'fifo', mode: 0o600 });
        assert.equal(fifo.type, 'fifo');
        const dev = await m.mknod(root, d.ino, n('dev'), { type: 'chr', mode: 0o600, rdev: 0x0103 });
        assert.equal(dev.rdev, 0x0103);
        const s = await m.symlink(root, d.ino, n('link'), n('../target'));
        assert.equal(s.type, 'symlink');
        assert.equal(s.length, 9);
        assert.equal((await m.readlink(s.ino)).toString(), '../target');
        await rejectsWith(m.readlink(f.ino), 'EINVAL');
        assert.equal((await m.lookup(root, d.ino, n('file'))).ino, f.ino);
        assert.equal((await m.lookup(root, d.ino, n('.'))).ino, d.ino);
        assert.equal((await m.lookup(root, d.ino, n('..'))).ino, ROOT_INO);
        await rejectsWith(m.lookup(root, d.ino, n('missing')), 'ENOENT');
        await rejectsWith(m.lookup(root, f.ino, n('x')), 'ENOTDIR');
        await rejectsWith(m.mkdir(root, d.ino, n('file'), 0o755), 'EEXIST');
        await rejectsWith(m.mknod(root, f.ino, n('x'), { type: 'file', mode: 0o644 }), 'ENOTDIR');
        await rejectsWith(m.mkdir(root, 999_999 as Ino, n('x'), 0o755), 'ENOENT');
      });
    });

    it('rejects bad names: NUL, slash, too long, dot names', async () => {
      await withMeta(engine, async (m) => {
        await rejectsWith(m.mkdir(root, ROOT_INO, n('a\0b'), 0o755), 'EINVAL');
        await rejectsWith(m.mkdir(root, ROOT_INO, n('a/b'), 0o755), 'EINVAL');
        await rejectsWith(m.mkdir(root, ROOT_INO, n('x'.repeat(256)), 0o755), 'ENAMETOOLONG');
        await rejectsWith(m.mkdir(root, ROOT_INO, n('.'), 0o755), 'EEXIST');
        await rejectsWith(m.mkdir(root, ROOT_INO, n('..'), 0o755), 'EEXIST');
        await m.mkdir(root, ROOT_INO, n('x'.repeat(255)), 0o755);
        assert.deepEqual((await m.readdir(root, ROOT_INO)).entries.map((e) => e.name.length), [255]);
      });
    });

    it('hard links share one inode and count links', async () => {
      await withMeta(engine, async (m) => {
        const d = await m.mkdir(root, ROOT_INO, n('d'), 0o755);
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const l = await m.link(root, f.ino, d.ino, n('g'));
        assert.equal(l.ino, f.ino);
        assert.equal(l.nlink, 2);
        await rejectsWith(m.link(root, d.ino, ROOT_INO, n('dl')), 'EPERM');
        await rejectsWith(m.link(root, f.ino, d.ino, n('g')), 'EEXIST');
        await m.unlink(root, ROOT_INO, n('f'));
        const left = await m.lookup(root, d.ino, n('g'));
        assert.equal(left.nlink, 1);
        assert.equal((await m.usage()).inodes, 3);
      });
    });

    it('unlink and rmdir enforce types and emptiness', async () => {
      await withMeta(engine, async (m) => {
        const d = await m.mkdir(root, ROOT_INO, n('d'), 0o755);
        await m.mknod(root, d.ino, n('f'), { type: 'file', mode: 0o644 });
        await rejectsWith(m.unlink(root, ROOT_INO, n('d')), 'EISDIR');
        await rejectsWith(m.rmdir(root, d.ino, n('f')), 'ENOTDIR');
        await rejectsWith(m.rmdir(root, ROOT_INO, n('d')), 'ENOTEMPTY');
        await rejectsWith(m.rmdir(root, d.ino, n('.')), 'EINVAL');
        await rejectsWith(m.rmdir(root, d.ino, n('..')), 'ENOTEMPTY');
        await rejectsWith(m.unlink(root, d.ino, n('nope')), 'ENOENT');
        await m.unlink(root, d.ino, n('f'));
        await m.rmdir(root, ROOT_INO, n('d'));
        await rejectsWith(m.getattr(d.ino), 'ENOENT');
        assert.equal((await m.getattr(ROOT_INO)).nlink, 2);
        assert.deepEqual(await m.usage(), { usedBytes: 0, inodes: 1 });
      });
    });

    it('reads a directory, its entry and that inode together: as three reads would, own writes included', async () => {
      await withMeta(engine, async (m) => {
        const d = await m.mkdir(root, ROOT_INO, n('d'), 0o755);
        const f = await m.mknod(root, d.ino, n('f'), { type: 'file', mode: 0o644 });
        const at = (name: string, parent = d.ino) => ({ parent, name: n(name) });
        await m.engine.read(async (tx) => {
          const parts = { dir: await tx.getInode(d.ino), edge: await tx.getEdge(d.ino, n('f')), attr: await tx.getInode(f.ino) };
          assert.equal(parts.attr?.ino, f.ino);
          if (tx.getEntry) {
            assert.deepEqual(await tx.getEntry(d.ino, n('f')), parts);
            assert.deepEqual({ ...(await tx.getEntry(d.ino, n('none'))) }, { dir: parts.dir, edge: undefined, attr: undefined });
            assert.deepEqual({ ...(await tx.getEntry(424242 as Ino, n('f'))) }, {});
          }
          assert.deepEqual(await readEntry(tx, at('f'), 'test'), { dir: parts.dir, entry: { edge: parts.edge, attr: parts.attr } });
          assert.deepEqual(await readEntry(tx, at('none'), 'test'), { dir: parts.dir });
          await rejectsWith(readEntry(tx, at('f', 424242 as Ino), 'test'), 'ENOENT');
        });
        await assert.rejects(
          m.engine.txn(async (tx) => {
            await tx.deleteEdge(d.ino, n('f'));
            assert.equal((await readEntry(tx, at('f'), 'test')).entry, undefined, 'the removed entry is gone');
            await tx.putEdge(d.ino, { name: n('g'), ino: f.ino, type: 'file' });
            await tx.putInode({ ...f, mode: 0o600 });
            assert.equal((await readEntry(tx, at('g'), 'test')).entry?.attr.mode, 0o600, 'the new entry and the changed inode');
            await tx.putEdge(d.ino, { name: n('lost'), ino: 424242 as Ino, type: 'file' });
            await rejectsWith(readEntry(tx, at('lost'), 'test'), 'ENOENT');
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.equal((await m.lookup(root, d.ino, n('f'))).mode, 0o644, 'rolled back');
      });
    });

    it('readdir pages through a large directory with a resumable cursor, in byte order', async () => {
      await withMeta(engine, async (m) => {
        const d = await m.mkdir(root, ROOT_INO, n('big'), 0o755);
        const names = Array.from({ length: 2500 }, (_, i) => `f${(i * 7919) % 2500}`);
        for (const name of names) await m.mknod(root, d.ino, n(name), { type: 'file', mode: 0o644 });
        const seen: string[] = [];
        let after: Buffer | undefined;
        let pages = 0;
        do {
          const page = await m.readdir(root, d.ino, { after, limit: 1000, plus: pages === 0 });
          if (pages === 0) assert.ok(page.entries.every((e) => e.attr?.ino === e.ino));
          seen.push(...page.entries.map((e) => e.name.toString()));
          after = page.next;
          pages++;
        } while (after);
        assert.equal(pages, 3);
        assert.deepEqual(seen, [...names].sort((a, b) => Buffer.compare(n(a), n(b))));
        await rejectsWith(m.readdir(root, (await m.lookup(root, d.ino, n('f1'))).ino), 'ENOTDIR');
      });
    });

    it('readdir with attributes gives each entry its inode as it is now, page by page; an entry whose inode is missing is listed only without', async () => {
      await withMeta(engine, async (m) => {
        const d = await m.mkdir(root, ROOT_INO, n('plus'), 0o755);
        const made = [];
        for (const [name, mode] of [['c', 0o600], ['a', 0o604], ['e', 0o640], ['b', 0o644]] as const) made.push(await m.mknod(root, d.ino, n(name), { type: 'file', mode }));
        await m.setattr(root, made[0]!.ino, { mode: 0o444, uid: 7 });
        await m.engine.txn((tx) => tx.putEdge(d.ino, { name: n('d'), ino: 999_999 as Ino, type: 'file' }));
        const plain: string[] = [];
        const plus: Array<[string, number, number]> = [];
        for (const options of [{ plus: false }, { plus: true }]) {
          let after: Buffer | undefined;
          do {
            const page = await m.readdir(root, d.ino, { ...options, after, limit: 2 });
            for (const e of page.entries) {
              if (options.plus) plus.push([e.name.toString(), e.attr!.mode & 0o777, e.attr!.uid]);
              else plain.push(e.name.toString()), assert.equal(e.attr, undefined);
            }
            after = page.next;
          } while (after);
        }
        assert.deepEqual(plain, ['a', 'b', 'c', 'd', 'e']);
        assert.deepEqual(plus, [['a', 0o604, 0], ['b', 0o644, 0], ['c', 0o444, 7], ['e', 0o640, 0]]);
        assert.deepEqual((await m.readdir(root, d.ino, { plus: true, after: n('e') })).entries, []);
        await rejectsWith(m.readdir(root, 888_888 as Ino, { plus: true }), 'ENOENT');
        await rejectsWith(m.readdir(root, made[1]!.ino, { plus: true }), 'ENOTDIR');
      });
    });

    it('a failed transaction leaves nothing behind', async () => {
      await withMeta(engine, async (m) => {
        await assert.rejects(
          m.engine.txn(async (tx) => {
            await tx.putEdge(ROOT_INO, { name: n('ghost'), ino: 77 as Ino, type: 'file' });
            await tx.addCounter('inodes', 5);
            throw new Error('boom');
          }),
          /boom/,
        );
        await rejectsWith(m.lookup(root, ROOT_INO, n('ghost')), 'ENOENT');
        assert.equal((await m.usage()).inodes, 1);
      });
    });
  });
}
