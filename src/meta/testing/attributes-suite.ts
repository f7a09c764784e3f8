import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { W_OK, R_OK, X_OK, XATTR_CREATE, XATTR_REPLACE } from '../meta.js';
import type { Change } from '../change.js';
import { ROOT_INO } from '../types.js';
import { alice, bob, n, rejectsWith, root, until, withMeta, withOtherClient } from './harness.js';
import type { TestEngine } from './test-engines.js';

const later = (a: { sec: number; nsec: number }, b: { sec: number; nsec: number }) => a.sec > b.sec || (a.sec === b.sec && a.nsec > b.nsec);

/** setattr, permissions and extended attributes. */
export function attributesSuite(engine: TestEngine): void {
  describe(`meta attributes and permissions [${engine.name}]`, () => {
    it('chmod, chown and utimes change what they should and bump ctime', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        await new Promise((r) => setTimeout(r, 5));
        const a = await m.setattr(root, f.ino, { mode: 0o4755, uid: 7, gid: 8 });
        assert.equal(a.uid, 7);
        assert.equal(a.gid, 8);
        assert.equal(a.mode, 0o4755);
        assert.ok(later(a.ctime, f.ctime));
        const t = await m.setattr(root, f.ino, { atime: { sec: 1000, nsec: 5 }, mtime: { sec: 2000, nsec: 123456789 } });
        assert.deepEqual(t.atime, { sec: 1000, nsec: 5 });
        assert.deepEqual(t.mtime, { sec: 2000, nsec: 123456789 });
        const chowned = await m.setattr(root, f.ino, { uid: 9 });
        assert.equal(chowned.mode & 0o4000, 0, 'chown clears setuid');
        assert.deepEqual(await m.getattr(f.ino), chowned);
      });
    });

    it('a chmod, chown or utimes from this client\'s own last commit keeps what another client changed since', async () => {
      await withOtherClient(engine, async (m, other) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const chmodded = await m.setattr(root, f.ino, { mode: 0o640 });
        assert.equal(chmodded.mode, 0o640);
        // Another client changes the owner; this one then sets times from what it last committed.
        await other.setattr(root, f.ino, { uid: 7, gid: 8 });
        const timed = await m.setattr(root, f.ino, { mtime: { sec: 2000, nsec: 5 } });
        assert.deepEqual([timed.uid, timed.gid, timed.mode, timed.mtime], [7, 8, 0o640, { sec: 2000, nsec: 5 }]);
        assert.deepEqual(await other.getattr(f.ino), timed);
        // A change the rules refuse on what this client knows is decided on what is there.
        await other.setattr(root, f.ino, { uid: alice.uid });
        const byAlice = await m.setattr(alice, f.ino, { mode: 0o600 });
        assert.equal(byAlice.mode, 0o600, 'alice owns the file now');
        await rejectsWith(m.setattr(bob, f.ino, { mode: 0o777 }), 'EPERM');
      });
    });

    it('a commit after another client changed the inode keeps that change (what this client last committed is only assumed)', async () => {
      await withOtherClient(engine, async (m, other) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const write = async (pos: number) => {
          const id = await m.newSliceId();
          return m.commitSlices(f.ino, [{ index: 0, record: { pos, id, size: 6, off: 0, len: 6 }, data: Buffer.from('hello\n') }]);
        };
        await write(0);
        await other.setattr(root, f.ino, { mode: 0o600, mtime: { sec: 7, nsec: 7 } });
        const after = await write(6);
        assert.deepEqual([after.mode, after.length], [0o600, 12]);
        assert.deepEqual(await other.getattr(f.ino), after);
        assert.deepEqual((await other.readChunk(f.ino, 0)).map((r) => [r.pos, r.len]), [[0, 6], [6, 6]]);
        const again = await write(12);
        assert.deepEqual([again.mode, again.length], [0o600, 18], 'and the next commit goes on from there');
      });
    });

    it('a create after another client changed the directory or took the name keeps what that client did (the directory as this client last committed it is only assumed)', async () => {
      await withOtherClient(engine, async (m, other) => {
        const d = await m.mkdir(root, ROOT_INO, n('d'), 0o777);
        await m.setattr(root, d.ino, { mode: 0o777 });
        await m.mknod(alice, d.ino, n('a'), { type: 'file', mode: 0o644 });
        // The directory closes to alice: her next create is refused on what is there.
        await other.setattr(root, d.ino, { mode: 0o755 });
        await rejectsWith(m.mknod(alice, d.ino, n('b'), { type: 'file', mode: 0o644 }), 'EACCES');
        await other.setattr(root, d.ino, { mode: 0o1777 });
        await m.mknod(alice, d.ino, n('b'), { type: 'file', mode: 0o644 });
        // Another client takes a name: this client's create of it is EEXIST, and that file stays.
        const taken = await other.mknod(bob, d.ino, n('c'), { type: 'file', mode: 0o600 });
        await rejectsWith(m.mknod(alice, d.ino, n('c'), { type: 'file', mode: 0o644 }), 'EEXIST');
        await rejectsWith(m.create(alice, d.ino, n('c'), 0o644), 'EEXIST');
        assert.equal((await other.lookup(root, d.ino, n('c'))).ino, taken.ino);
        // Its mkdir counts in the link count this client's mkdir then raises.
        await other.mkdir(root, d.ino, n('sub1'), 0o755);
        await m.mkdir(alice, d.ino, n('sub2'), 0o755);
        const after = await other.getattr(d.ino);
        assert.deepEqual([after.mode & 0o7777, after.nlink], [0o1777, 4]);
        assert.deepEqual((await other.readdir(root, d.ino)).entries.map((e) => e.name.toString()).sort(), ['a', 'b', 'c', 'sub1', 'sub2']);
        assert.equal((await other.usage()).inodes, 7);
        // A name taken without the directory's attributes changing (two creates in one clock
        // tick could leave them equal): still EEXIST. The entry is written raw, then removed.
        await other.engine.txn((tx) => tx.putEdge(d.ino, { name: n('raw'), ino: taken.ino, type: 'file' }));
        await rejectsWith(m.mknod(alice, d.ino, n('raw'), { type: 'file', mode: 0o644 }), 'EEXIST');
        await other.engine.txn((tx) => tx.deleteEdge(d.ino, n('raw')));
      });
    });

    it('replaceInode replaces an inode only from exactly its attributes, and publishes the change', async () => {
      await withMeta(engine, async (m) => {
        const replace = m.engine.replaceInode?.bind(m.engine);
        assert.ok(replace, `${engine.name} replaces inodes in one step`);
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const held = (await m.engine.read((tx) => tx.getInode(f.ino)))!;
        const heard: Change[] = [];
        const subscription = await m.engine.subscribeChanges?.((changes) => void heard.push(...changes));
        try {
          for (const stale of [{ ...held, mode: 0o600 }, { ...held, mtime: { ...held.mtime, nsec: held.mtime.nsec + 1 } }, { ...held, nlink: 2 }]) {
            assert.equal(await replace(stale, { ...held, uid: 5 }, [{ parent: ROOT_INO, ino: f.ino }]), false);
          }
          assert.deepEqual(await m.engine.read((tx) => tx.getInode(f.ino)), held, 'nothing written');
          assert.equal(await replace(held, { ...held, uid: 5 }, [{ parent: ROOT_INO, ino: f.ino }]), true);
          assert.equal((await m.engine.read((tx) => tx.getInode(f.ino)))!.uid, 5);
          if (subscription) await until('the change is heard', () => heard.some((c) => c.ino === f.ino));
        } finally {
          await subscription?.close();
        }
      });
    });

    it('only the owner or root may chmod; only root may give a file away', async () => {
      await withMeta(engine, async (m) => {
        const d = await m.mkdir(root, ROOT_INO, n('d'), 0o777);
        await m.setattr(root, d.ino, { mode: 0o777 });
        const f = await m.mknod(alice, d.ino, n('f'), { type: 'file', mode: 0o644 });
        assert.equal(f.uid, alice.uid);
        await m.setattr(alice, f.ino, { mode: 0o600 });
        await rejectsWith(m.setattr(bob, f.ino, { mode: 0o777 }), 'EPERM');
        await rejectsWith(m.setattr(alice, f.ino, { uid: bob.uid }), 'EPERM');
        await rejectsWith(m.setattr(alice, f.ino, { gid: 4242 }), 'EPERM');
        await rejectsWith(m.setattr(bob, f.ino, { atime: { sec: 1, nsec: 0 } }), 'EPERM');
        await rejectsWith(m.setattr(bob, f.ino, { atime: 'now', mtime: 'now' }), 'EACCES');
        await rejectsWith(m.setattr(bob, f.ino, { length: 0 }), 'EACCES');
        await m.setattr(alice, f.ino, { mode: 0o444 });
        await rejectsWith(m.setattr(alice, f.ino, { length: 0 }), 'EACCES');
        await m.setattr(alice, f.ino, { length: 0, viaHandle: true });
        const bobs = await m.mknod(bob, d.ino, n('g'), { type: 'file', mode: 0o644 });
        const regrouped = await m.setattr(bob, bobs.ino, { gid: 1001 });
        assert.equal(regrouped.gid, 1001, 'an owner may choose one of their supplementary groups');
      });
    });

    it('checks search, read and write permission with owner, group and other bits', async () => {
      await withMeta(engine, async (m) => {
        await rejectsWith(m.mkdir(alice, ROOT_INO, n('x'), 0o755), 'EACCES');
        const d = await m.mkdir(root, ROOT_INO, n('d'), 0o770);
        await m.setattr(root, d.ino, { uid: alice.uid, gid: 1001 });
        const f = await m.mknod(alice, d.ino, n('f'), { type: 'file', mode: 0o640 });
        await m.access(alice, f.ino, R_OK | W_OK);
        await m.access(bob, f.ino, R_OK);
        await rejectsWith(m.access(bob, f.ino, W_OK), 'EACCES');
        await rejectsWith(m.access(alice, f.ino, X_OK), 'EACCES');
        await rejectsWith(m.access(root, f.ino, X_OK), 'EACCES');
        await m.access(root, f.ino, R_OK | W_OK);
        const stranger = { uid: 3000, gid: 3000, gids: [], umask: 0o022 };
        await rejectsWith(m.lookup(stranger, d.ino, n('f')), 'EACCES');
        await rejectsWith(m.readdir(stranger, d.ino), 'EACCES');
        await rejectsWith(m.open(bob, f.ino, 1), 'EACCES');
        await m.open(bob, f.ino, 0);
        await m.release(f.ino);
      });
    });

    it('the sticky bit limits removal to the owners of entry and directory', async () => {
      await withMeta(engine, async (m) => {
        const tmp = await m.mkdir(root, ROOT_INO, n('tmp'), 0o777);
        await m.setattr(root, tmp.ino, { mode: 0o1777 });
        await m.mknod(alice, tmp.ino, n('a'), { type: 'file', mode: 0o666 });
        await rejectsWith(m.unlink(bob, tmp.ino, n('a')), 'EPERM');
        await rejectsWith(m.rename(bob, { parent: tmp.ino, name: n('a'), newParent: tmp.ino, newName: n('b') }), 'EPERM');
        await m.unlink(alice, tmp.ino, n('a'));
      });
    });

    it('extended attributes: set, get, list, remove, with create/replace flags', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        await m.setxattr(root, f.ino, 'user.a', n('1'));
        await m.setxattr(root, f.ino, 'user.b', Buffer.from([0, 255, 1]));
        await rejectsWith(m.setxattr(root, f.ino, 'user.a', n('2'), XATTR_CREATE), 'EEXIST');
        await rejectsWith(m.setxattr(root, f.ino, 'user.c', n('2'), XATTR_REPLACE), 'ENODATA');
        await m.setxattr(root, f.ino, 'user.a', n('22'), XATTR_REPLACE);
        assert.equal((await m.getxattr(root, f.ino, 'user.a')).toString(), '22');
        assert.deepEqual(await m.getxattr(root, f.ino, 'user.b'), Buffer.from([0, 255, 1]));
        assert.deepEqual(await m.listxattr(root, f.ino), ['user.a', 'user.b']);
        await m.removexattr(root, f.ino, 'user.a');
        await rejectsWith(m.getxattr(root, f.ino, 'user.a'), 'ENODATA');
        await rejectsWith(m.removexattr(root, f.ino, 'user.a'), 'ENODATA');
        await rejectsWith(m.setxattr(root, f.ino, 'bogus', n('x')), 'ENOTSUP');
        await rejectsWith(m.setxattr(alice, f.ino, 'user.x', n('x')), 'EACCES');
      });
    });

    it('deleting an inode deletes its symlink target and extended attributes with it', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const l = await m.symlink(root, ROOT_INO, n('l'), n('target'));
        for (const ino of [f.ino, l.ino]) await m.engine.txn((tx) => tx.putXattr(ino, 'user.k', n('v')));
        await m.unlink(root, ROOT_INO, n('f'));
        await m.unlink(root, ROOT_INO, n('l'));
        await m.flush();
        for (const ino of [f.ino, l.ino]) {
          const left = await m.engine.read(async (tx) => [await tx.getInode(ino), await tx.getSymlink(ino), await tx.listXattrs(ino)]);
          assert.deepEqual(left, [undefined, undefined, []], `inode ${ino}`);
        }
      });
    });
  });
}
