import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanExpiredSessions } from '../sessions.js';
import { ROOT_INO, type Ino } from '../types.js';
import { VolumeMeta } from '../volume-meta.js';
import { n, rejectsWith, root, withMeta } from './harness.js';
import type { TestEngine } from './test-engines.js';

/** Sessions, open-but-unlinked inodes, and detached nodes. */
export function sessionsSuite(engine: TestEngine): void {
  describe(`meta sessions [${engine.name}]`, () => {
    it('an open file survives unlink until its last release', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        await m.open(root, f.ino, 0);
        await m.open(root, f.ino, 0);
        await m.unlink(root, ROOT_INO, n('f'));
        assert.equal((await m.getattr(f.ino)).nlink, 0);
        assert.deepEqual(await m.engine.listSustained(m.session), [f.ino]);
        await m.release(f.ino);
        assert.equal((await m.getattr(f.ino)).nlink, 0);
        await m.release(f.ino);
        await rejectsWith(m.getattr(f.ino), 'ENOENT');
        assert.deepEqual(await m.engine.listSustained(m.session), []);
        assert.equal((await m.usage()).inodes, 1);
      });
    });

    it("a dead session's unlinked inodes are cleaned by another client", async () => {
      await withMeta(engine, async (m, url) => {
        const other = await VolumeMeta.open(url, { sessionTtlMs: 1000 });
        const f = await other.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        await other.open(root, f.ino, 0);
        await other.unlink(root, ROOT_INO, n('f'));
        const sessions = await m.engine.listSessions();
        assert.ok(sessions.some((s) => s.id === other.session));
        assert.deepEqual(await cleanExpiredSessions(m.engine, Date.now()), { sessions: 0, inodes: 0 });
        const cleaned = await cleanExpiredSessions(m.engine, Date.now() + 60_000 * 10);
        assert.ok(cleaned.inodes >= 1);
        await rejectsWith(m.getattr(f.ino), 'ENOENT');
        assert.equal((await m.usage()).inodes, 1);
        await other.close();
      });
    });

    it('records, lists and forgets detached nodes', async () => {
      await withMeta(engine, async (m) => {
        const node = { ino: 4242 as Ino, session: m.session, createdAt: 1234 };
        await m.engine.txn((tx) => tx.putDetached(node));
        assert.deepEqual(await m.engine.listDetached(), [node]);
        await m.engine.txn((tx) => tx.deleteDetached(node.ino));
        assert.deepEqual(await m.engine.listDetached(), []);
      });
    });

    it("stores each session's locks per inode, and drops them with the session", async () => {
      await withMeta(engine, async (m, url) => {
        const other = await VolumeMeta.open(url);
        const lock = { owner: 'o1', pid: 7, kind: 'posix' as const, type: 'write' as const, start: 0, end: 10 };
        await m.engine.txn((tx) => tx.setLocks(5 as Ino, m.session, [lock]));
        await m.engine.txn((tx) => tx.setLocks(5 as Ino, other.session, [{ ...lock, type: 'read', start: 20 }]));
        const locks = await m.engine.read((tx) => tx.getLocks(5 as Ino));
        assert.deepEqual(locks.get(m.session), [lock]);
        assert.equal(locks.get(other.session)?.[0]?.start, 20);
        await other.close();
        assert.deepEqual([...(await m.engine.read((tx) => tx.getLocks(5 as Ino))).keys()], [m.session]);
        await m.engine.txn((tx) => tx.setLocks(5 as Ino, m.session, []));
        assert.equal((await m.engine.read((tx) => tx.getLocks(5 as Ino))).size, 0);
      });
    });

    it('hands out unique ids under concurrency', async () => {
      await withMeta(engine, async (m, url) => {
        const other = await VolumeMeta.open(url);
        const ids = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? m : other).newSliceId()));
        assert.equal(new Set(ids).size, 300);
        await other.close();
      });
    });
  });
}
