import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../../errors/index.js';
import { fsck } from '../fsck/fsck.js';
import { collectMetadataGarbage } from '../gc/collect-metadata.js';
import { cleanExpiredSessions, SessionKeeper } from '../sessions.js';
import { type Caller, type Ino, ROOT_INO, type SliceId, type SliceRecord } from '../types.js';
import { VolumeMeta } from '../volume-meta.js';
import { alice, n, rejectsWith, root, until, withMeta } from './harness.js';
import type { TestEngine } from './test-engines.js';

const rec = (id: SliceId, len: number): SliceRecord => ({ pos: 0, id, size: len, off: 0, len });

async function writeFile(m: VolumeMeta, caller: Caller, spec: { parent: Ino; name: string; len: number }): Promise<Ino> {
  const f = await m.mknod(caller, spec.parent, n(spec.name), { type: 'file', mode: 0o644 });
  await m.commitSlices(f.ino, [{ index: 0, record: rec(await m.newSliceId(), spec.len) }]);
  return f.ino;
}

async function assertClean(m: VolumeMeta): Promise<void> {
  const report = await fsck(m.engine);
  assert.deepEqual(report.problems, [], 'fsck finds nothing');
}

/** Sessions fencing (DESIGN §4) and clone safety against gc (DESIGN §3 rules 7 and 8). */
export function fencingSuite(engine: TestEngine): void {
  describe(`meta fencing and clone safety [${engine.name}]`, () => {
    it('a client whose session another client expired and cleaned is fenced: EIO, no resurrection, nothing lost or freed twice', async () => {
      await withMeta(engine, async (m, url) => {
        const lines: string[] = [];
        const paused = await VolumeMeta.open(url, { sessionTtlMs: 300, log: (l) => lines.push(l) });
        const mine = await writeFile(m, root, { parent: ROOT_INO, name: 'mine', len: 5000 });
        const kept = await writeFile(paused, root, { parent: ROOT_INO, name: 'kept', len: 3000 });
        const open = await writeFile(paused, root, { parent: ROOT_INO, name: 'open', len: 700 });
        await paused.open(root, open, 0);
        await paused.unlink(root, ROOT_INO, n('open'));
        await paused.setlk(mine, { type: 'write', start: 0, end: 100, owner: 'p', pid: 1, kind: 'posix' });
        // Another client judges from a clock past the paused client's lease, as after a long pause.
        const cleaned = await cleanExpiredSessions(m.engine, Date.now() + 5000);
        assert.deepEqual(cleaned, { sessions: 1, inodes: 1 });
        await rejectsWith(m.getattr(open), 'ENOENT');
        await m.setlk(mine, { type: 'write', start: 0, end: 100, owner: 'm', pid: 2, kind: 'posix' });
        await until('the paused client to notice', () => paused.fenced !== undefined);
        assert.ok(!(await m.engine.listSessions()).some((s) => s.id === paused.session), 'the session is not re-registered');
        for (const attempt of [
          paused.mknod(root, ROOT_INO, n('late'), { type: 'file', mode: 0o644 }),
          paused.commitSlices(kept, [{ index: 0, record: rec(77 as SliceId, 10) }]),
          paused.setlk(mine, { type: 'write', start: 0, end: 100, owner: 'p', pid: 1, kind: 'posix' }),
          paused.readChunk(open, 0),
          paused.release(open),
        ]) {
          await rejectsWith(attempt, 'EIO');
        }
        assert.ok(lines.some((l) => /FENCED/.test(l) && /EIO/.test(l)), `a loud line says why: ${lines.join(' | ')}`);
        await paused.close();
        await rejectsWith(m.lookup(root, ROOT_INO, n('late')), 'ENOENT');
        assert.equal((await m.getattr(kept)).length, 3000, "the fenced client's committed file stays as it was");
        assert.equal((await m.getattr(mine)).length, 5000);
        assert.deepEqual(await m.usage(), { usedBytes: 8000, inodes: 3 });
        await assertClean(m);
      });
    });

    it('a heartbeat answered after the lease ended (the process paused while renewing) fences the client and gives its session up', async () => {
      await withMeta(engine, async (m) => {
        const lines: string[] = [];
        let slow = true;
        // The renewal is sent, then the process "pauses" past its 300 ms lease before the engine
        // applies it: judged against the time taken before the pause, the engine accepts it.
        const paused = new Proxy(m.engine, {
          get(target, key) {
            const value = Reflect.get(target, key) as unknown;
            if (key !== 'renewSession' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
            return async (...args: unknown[]) => {
              if (slow) {
                slow = false;
                await new Promise((resolve) => setTimeout(resolve, 400));
              }
              return (value as (...a: unknown[]) => Promise<boolean>).apply(target, args);
            };
          },
        });
        const keeper = await SessionKeeper.start(paused, { program: 'paused', ttlMs: 300, log: (l) => lines.push(l) });
        try {
          await rejectsWith(keeper.beat(), 'EIO');
          assert.ok(keeper.fenced, 'fenced');
          await rejectsWith(keeper.ensureLive(), 'EIO');
          assert.ok(lines.some((l) => /FENCED: its heartbeat was answered \d+ ms after its lease had ended/.test(l)), lines.join(' | '));
          const stored = (await m.engine.listSessions()).find((s) => s.id === keeper.info.id);
          assert.ok(!stored || stored.expires < Date.now(), 'the session is given up for others to clean');
        } finally {
          await keeper.stop();
        }
      });
    });

    it('gc claims a batched clone between batches: the clone stops with ECANCELED and builds nothing more; fsck is clean', async () => {
      await withMeta(engine, async (m, url) => {
        const src = await m.mkdir(root, ROOT_INO, n('src'), 0o755);
        for (let d = 0; d < 4; d++) {
          const dir = await m.mkdir(root, src.ino, n(`d${d}`), 0o755);
          for (let f = 0; f < 6; f++) await writeFile(m, root, { parent: dir.ino, name: `f${f}`, len: 100 + f });
        }
        const before = await m.usage();
        const cloner = await VolumeMeta.open(url);
        try {
          let batches = 0;
          const gcReports: Array<Awaited<ReturnType<typeof collectMetadataGarbage>>> = [];
          const beforeBatch = async () => {
            // After the first level is copied, gc --delete --threshold 0 takes the copy over and removes it.
            if (++batches === 3) gcReports.push(await collectMetadataGarbage(m.engine, { remove: true, thresholdMs: 0, now: Date.now() + 1 }));
          };
          const err = await cloner.clone(root, { src: src.ino, parent: ROOT_INO, name: n('dst') }, { batchSize: 4, beforeBatch }).then(
            () => assert.fail('the clone must not finish'),
            (e: unknown) => e,
          );
          assert.ok(err instanceof FsError && err.code === 'ECANCELED', String(err));
          assert.match((err as FsError).message, /gone|claimed/);
          assert.equal(gcReports[0]?.detachedTrees.removed, 1);
          assert.deepEqual(await m.engine.listDetached(), []);
          await rejectsWith(m.lookup(root, ROOT_INO, n('dst')), 'ENOENT');
          assert.deepEqual(await m.usage(), before, 'counters back to before the clone');
          await assertClean(m);
          // The same client clones again once gc is done: a new copy, linked whole.
          await cloner.clone(root, { src: src.ino, parent: ROOT_INO, name: n('dst') }, { batchSize: 4 });
          assert.equal((await m.usage()).inodes, before.inodes + 29);
          await assertClean(m);
        } finally {
          await cloner.close();
        }
      });
    });

    it('a detached tree that was linked meanwhile is not taken by gc (the claim checks its owner)', async () => {
      await withMeta(engine, async (m) => {
        const stale = { ino: 999_999 as Ino, session: m.session, createdAt: 0 };
        const { claimDetached } = await import('../gc/detached-trees.js');
        assert.equal(await claimDetached(m.engine, stale), false, 'no record: nothing to claim');
        await m.engine.txn((tx) => tx.putDetached({ ...stale, session: (m.session + 1000) as typeof m.session }));
        assert.equal(await claimDetached(m.engine, stale), false, 'another owner: not claimed');
        await m.engine.txn((tx) => tx.deleteDetached(stale.ino));
      });
    });

    it('each batch checks read permission on what it copies: an entry chmod-ed or added during the clone gives EACCES, nothing left', async () => {
      await withMeta(engine, async (m) => {
        const src = await m.mkdir(root, ROOT_INO, n('src'), 0o755);
        const dirs: Ino[] = [];
        for (let d = 0; d < 3; d++) {
          const dir = await m.mkdir(root, src.ino, n(`d${d}`), 0o755);
          dirs.push(dir.ino);
          for (let f = 0; f < 4; f++) await writeFile(m, root, { parent: dir.ino, name: `f${f}`, len: 10 });
        }
        const home = await m.mkdir(root, ROOT_INO, n('home'), 0o755);
        await m.setattr(root, home.ino, { uid: alice.uid, gid: alice.gid });
        const before = await m.usage();
        for (const change of [
          (ino: Ino) => m.lookup(root, ino, n('f3')).then((f) => m.setattr(root, f.ino, { mode: 0o600 })),
          (ino: Ino) => writeFile(m, root, { parent: ino, name: 'secret', len: 5 }).then((f) => m.setattr(root, f, { mode: 0o600 })),
        ]) {
          let batches = 0;
          // The pre-check passed; between batches the last directory gets an entry alice may not read.
          const beforeBatch = async () => void (++batches === 2 && (await change(dirs[2]!)));
          await rejectsWith(m.clone(alice, { src: src.ino, parent: home.ino, name: n('copy') }, { batchSize: 3, beforeBatch }), 'EACCES');
          assert.ok(batches >= 2, `the pre-check passed, a batch refused (${batches} batches)`);
          await rejectsWith(m.lookup(root, home.ino, n('copy')), 'ENOENT');
          assert.deepEqual(await m.engine.listDetached(), [], 'the partial copy was removed');
          await assertClean(m);
          await m.lookup(root, dirs[2]!, n('f3')).then((f) => m.setattr(root, f.ino, { mode: 0o644 }));
        }
        assert.equal((await m.usage()).inodes, before.inodes + 1, 'only the added file');
      });
    });

    it("--preserve by a non-root caller: the copy is the caller's, setuid/setgid cleared, mode and times kept (cp -p)", async () => {
      await withMeta(engine, async (m) => {
        const bin = await m.mkdir(root, ROOT_INO, n('bin'), 0o755);
        const su = await writeFile(m, root, { parent: bin.ino, name: 'su', len: 10 });
        await m.setattr(root, su, { mode: 0o4755, atime: { sec: 1000, nsec: 0 }, mtime: { sec: 2000, nsec: 0 } });
        const sub = await m.mkdir(root, bin.ino, n('sub'), 0o2775);
        await writeFile(m, root, { parent: sub.ino, name: 'sg', len: 10 }).then((ino) => m.setattr(root, ino, { mode: 0o6755 }));
        const home = await m.mkdir(root, ROOT_INO, n('home'), 0o755);
        await m.setattr(root, home.ino, { uid: alice.uid, gid: alice.gid });
        const file = await m.clone(alice, { src: su, parent: home.ino, name: n('su') }, { preserve: true });
        assert.deepEqual([file.uid, file.gid, file.mode & 0o7777, file.mtime.sec], [alice.uid, alice.gid, 0o755, 2000]);
        const tree = await m.clone(alice, { src: bin.ino, parent: home.ino, name: n('bin') }, { preserve: true, batchSize: 2 });
        assert.deepEqual([tree.uid, tree.mode & 0o7777], [alice.uid, 0o755]);
        const inTree = await m.lookup(alice, tree.ino, n('su'));
        assert.deepEqual([inTree.uid, inTree.gid, inTree.mode & 0o7777, inTree.mtime.sec], [alice.uid, alice.gid, 0o755, 2000]);
        const subCopy = await m.lookup(alice, tree.ino, n('sub'));
        assert.equal((await m.getattr(sub.ino)).mode & 0o7777, 0o2755);
        assert.deepEqual([subCopy.uid, subCopy.mode & 0o7777], [alice.uid, 0o755]);
        const sg = await m.lookup(alice, subCopy.ino, n('sg'));
        assert.deepEqual([sg.uid, sg.gid, sg.mode & 0o7777], [alice.uid, alice.gid, 0o755]);
        const byRoot = await m.clone(root, { src: su, parent: ROOT_INO, name: n('su-root') }, { preserve: true });
        assert.deepEqual([byRoot.uid, byRoot.mode & 0o7777], [0, 0o4755], 'root keeps everything');
        await assertClean(m);
      });
    });
  });
}
