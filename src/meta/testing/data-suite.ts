import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHUNK_SIZE, ROOT_INO, type SliceId, type SliceRecord } from '../types.js';
import { VolumeMeta } from '../volume-meta.js';
import { alice, n, rejectsWith, root, withMeta, withOtherClient } from './harness.js';
import type { TestEngine } from './test-engines.js';

const rec = (pos: number, id: number, len: number): SliceRecord => ({ pos, id: id as SliceId, size: len, off: 0, len });

/** Chunk records, truncate, reference counts and the deletion queue. */
export function dataSuite(engine: TestEngine): void {
  describe(`meta chunks and slices [${engine.name}]`, () => {
    it('commits slices into chunks, growing the file and the used-bytes counter', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const s1 = await m.newSliceId();
        const s2 = await m.newSliceId();
        assert.notEqual(s1, s2);
        const a = await m.commitSlices(f.ino, [{ index: 0, record: rec(0, s1, 1000) }, { index: 2, record: rec(10, s2, 20) }]);
        assert.equal(a.length, 2 * CHUNK_SIZE + 30);
        assert.deepEqual(await m.readChunk(f.ino, 0), [rec(0, s1, 1000)]);
        assert.deepEqual(await m.readChunk(f.ino, 1), []);
        assert.deepEqual(await m.readChunk(f.ino, 2), [rec(10, s2, 20)]);
        assert.equal((await m.usage()).usedBytes, a.length);
        await rejectsWith(m.commitSlices(f.ino, [{ index: 0, record: rec(CHUNK_SIZE - 5, 99, 10) }]), 'EINVAL');
      });
    });

    it('durable commits (fsync) commit the same; syncInode leaves a file or directory as it was', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const s1 = await m.newSliceId();
        const a = await m.commitSlices(f.ino, [{ index: 0, record: rec(0, s1, 100) }], { durable: true });
        assert.equal(a.length, 100);
        assert.deepEqual(await m.readChunk(f.ino, 0), [rec(0, s1, 100)]);
        for (const ino of [f.ino, ROOT_INO]) {
          const before = await m.getattr(ino);
          await m.syncInode(ino);
          assert.deepEqual(await m.getattr(ino), before, 'fsync changes no attribute (times included)');
        }
        await rejectsWith(m.syncInode(999_999 as typeof f.ino), 'ENOENT');
      });
    });

    it('truncate drops chunks past the end, hides the tail of the last one, and extends with zeros', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const s1 = await m.newSliceId();
        const s2 = await m.newSliceId();
        await m.commitSlices(f.ino, [{ index: 0, record: rec(0, s1, 5000) }, { index: 1, record: rec(0, s2, 10) }]);
        const t = await m.truncate(root, f.ino, 100);
        assert.equal(t.length, 100);
        assert.deepEqual(await m.readChunk(f.ino, 1), []);
        const chunk0 = await m.readChunk(f.ino, 0);
        assert.equal(chunk0.length, 2);
        assert.deepEqual(chunk0[1], { pos: 100, id: 0, size: 0, off: 0, len: CHUNK_SIZE - 100 });
        assert.deepEqual((await m.pendingSlices(10)).map((p) => p.id), [s2]);
        assert.equal((await m.truncate(root, f.ino, 3 * CHUNK_SIZE)).length, 3 * CHUNK_SIZE);
        assert.equal((await m.usage()).usedBytes, 3 * CHUNK_SIZE);
        await rejectsWith(m.truncate(root, f.ino, -1), 'EINVAL');
        await rejectsWith(m.truncate(root, ROOT_INO, 0), 'EISDIR');
      });
    });

    it('unlinking the last link queues its slices for deletion exactly once', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const ids = [await m.newSliceId(), await m.newSliceId()];
        await m.commitSlices(f.ino, [{ index: 0, record: rec(0, ids[0]!, 10) }, { index: 0, record: rec(5, ids[1]!, 10) }]);
        await m.link(root, f.ino, ROOT_INO, n('g'));
        await m.unlink(root, ROOT_INO, n('f'));
        assert.deepEqual(await m.pendingSlices(10), []);
        await m.unlink(root, ROOT_INO, n('g'));
        const pending = await m.pendingSlices(10);
        assert.deepEqual(pending.map((p) => p.id).sort(), [...ids].sort());
        assert.deepEqual(pending.map((p) => p.size), [10, 10]);
        await m.finishPendingSlices(ids);
        assert.deepEqual(await m.pendingSlices(10), []);
        const totals = await m.engine.totals();
        assert.equal(totals.slices, 0);
        assert.deepEqual(await m.usage(), { usedBytes: 0, inodes: 1 });
      });
    });

    it('inline data is stored with its commit, shared by clones, and removed when the deletion finishes', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const [a, b] = [await m.newSliceId(), await m.newSliceId()];
        const bytes = Buffer.from('hello inline\n');
        await m.commitSlices(f.ino, [{ index: 0, record: rec(0, a, bytes.length), data: bytes }, { index: 0, record: rec(100, b, 10) }]);
        assert.deepEqual((await m.readSliceData([a])).get(a), bytes);
        assert.equal((await m.readSliceData([b])).get(b), undefined, 'a slice committed without data keeps its bytes in objects');
        await rejectsWith(m.commitSlices(f.ino, [{ index: 0, record: rec(0, await m.newSliceId(), 5), data: Buffer.from('four') }]), 'EINVAL');
        const c = await m.newSliceId();
        await rejectsWith(m.commitSlices(ROOT_INO, [{ index: 0, record: rec(0, c, 3), data: Buffer.from('abc') }]), 'EBADF');
        assert.equal((await m.readSliceData([c])).get(c), undefined, 'a failed commit stores no data');
        const copy = await m.clone(root, { src: f.ino, parent: ROOT_INO, name: n('g') });
        assert.deepEqual((await m.readChunk(copy.ino, 0)).map((r) => r.id), [a, b], 'the clone shares the inline slice');
        const totals = await m.engine.totals();
        assert.deepEqual([totals.inlineSlices, totals.inlineBytes], [1, bytes.length]);
        assert.deepEqual(await m.engine.scanSliceData(0, 10), [{ id: a, data: bytes }]);
        assert.deepEqual(await m.engine.scanSliceData(a, 10), []);
        await m.unlink(root, ROOT_INO, n('f'));
        assert.deepEqual((await m.readSliceData([a])).get(a), bytes, 'the clone still holds it');
        await m.unlink(root, ROOT_INO, n('g'));
        assert.deepEqual((await m.pendingSlices(10)).map((p) => p.id).sort(), [a, b].sort());
        assert.deepEqual((await m.readSliceData([a])).get(a), bytes, 'kept until the deletion finishes');
        await m.finishPendingSlices([a, b]);
        assert.equal((await m.readSliceData([a])).get(a), undefined);
        assert.deepEqual(await m.engine.scanSliceData(0, 10), []);
        assert.deepEqual([(await m.engine.totals()).inlineSlices, (await m.usage()).usedBytes], [0, 0]);
      });
    });

    it('open with its head reads a small file\'s first chunk and inline data with the inode, only for regular files of 1 byte to 64 KiB', async () => {
      await withMeta(
        engine,
        async (m) => {
          const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
          const [a, b, c] = [await m.newSliceId(), await m.newSliceId(), await m.newSliceId()];
          const bytes = Buffer.from('hello inline\n');
          await m.commitSlices(f.ino, [
            { index: 0, record: rec(0, a, bytes.length), data: bytes },
            { index: 0, record: rec(20, b, 10) },
            { index: 0, record: rec(2, c, 3), data: Buffer.from('XYZ') },
          ]);
          const opened = await m.open(root, f.ino, 0, { withHead: true });
          assert.equal(opened.attr.length, 30);
          assert.deepEqual(opened.head?.records, await m.readChunk(f.ino, 0), 'the records, oldest first');
          assert.deepEqual([...(opened.head?.data ?? new Map())].sort(([x], [y]) => x - y), [[a, bytes], [c, Buffer.from('XYZ')]], 'inline data of those that have it');
          assert.equal((await m.open(root, f.ino, 0)).head, undefined, 'only when asked');
          await m.release(f.ino);
          await m.release(f.ino);

          const empty = await m.mknod(root, ROOT_INO, n('empty'), { type: 'file', mode: 0o644 });
          const big = await m.mknod(root, ROOT_INO, n('big'), { type: 'file', mode: 0o644 });
          await m.commitSlices(big.ino, [{ index: 0, record: rec(0, await m.newSliceId(), 64 * 1024 + 1) }]);
          for (const ino of [empty.ino, big.ino, ROOT_INO]) {
            const o = await m.open(root, ino, 0, { withHead: true });
            assert.equal(o.head, undefined, `no head for inode ${ino}`);
            assert.deepEqual(o.attr, await m.getattr(ino));
            await m.release(ino);
          }
          await rejectsWith(m.open(root, 999_999 as typeof f.ino, 0, { withHead: true }), 'ENOENT');
          await m.setattr(root, f.ino, { mode: 0o600 });
          await rejectsWith(m.open(alice, f.ino, 0, { withHead: true }), 'EACCES');
        },
        { inlineSize: 100 },
      );
    });

    it('writtenSince: this client\'s transactions that wrote an inode after a mark', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const mark = m.writeMark();
        assert.equal(m.writtenSince(f.ino, mark), false, 'the mknod settled before the mark, even within the same millisecond');
        await m.getattr(f.ino);
        await m.open(root, f.ino, 0);
        await m.release(f.ino);
        assert.equal(m.writtenSince(f.ino, mark), false, 'reads and opens write no inode');
        await m.commitSlices(f.ino, [{ index: 0, record: rec(0, await m.newSliceId(), 3), data: Buffer.from('abc') }]);
        assert.equal(m.writtenSince(f.ino, mark), true);
        assert.equal(m.writtenSince(ROOT_INO, mark), false);
        assert.equal(m.writtenSince(ROOT_INO, { ...mark, at: Date.now() - 60_000 }), true, 'beyond what is kept: assumed written');
      });
    });

    it('an append lands at the end the committing transaction sees, cut at chunk boundaries, one reference per record', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const [a, b, c] = [await m.newSliceId(), await m.newSliceId(), await m.newSliceId()];
        // The append's index and pos are ignored: it goes after the positional write before it.
        const attr = await m.commitSlices(f.ino, [{ index: 0, record: rec(0, a, 10) }, { index: 0, record: rec(0, b, 5), atEnd: true }]);
        assert.equal(attr.length, 15);
        assert.deepEqual(await m.readChunk(f.ino, 0), [rec(0, a, 10), rec(10, b, 5)]);
        await m.truncate(root, f.ino, CHUNK_SIZE - 3);
        const crossed = await m.commitSlices(f.ino, [{ index: 0, record: rec(0, c, 10), atEnd: true }]);
        assert.equal(crossed.length, CHUNK_SIZE + 7);
        assert.deepEqual((await m.readChunk(f.ino, 0)).at(-1), { pos: CHUNK_SIZE - 3, id: c, size: 10, off: 0, len: 3 });
        assert.deepEqual(await m.readChunk(f.ino, 1), [{ pos: 0, id: c, size: 10, off: 3, len: 7 }]);
        assert.equal((await m.engine.read((tx) => tx.getSlices([c]))).get(c)?.refs, 2);
        assert.equal((await m.usage()).usedBytes, CHUNK_SIZE + 7);
        await rejectsWith(m.commitSlices(f.ino, [{ index: 0, record: { ...rec(0, c, 10), off: 5 }, atEnd: true }]), 'EINVAL');
        await m.unlink(root, ROOT_INO, n('f'));
        assert.deepEqual((await m.pendingSlices(10)).map((p) => p.id).sort(), [a, b, c].sort(), 'each slice queued once, after its last record went');
      });
    });

    it('appends committed by two clients at once all land, whole and disjoint', async () => {
      await withOtherClient(engine, async (m, other) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const appends = (client: VolumeMeta) =>
          Promise.all(
            Array.from({ length: 15 }, async () => {
              const id = await client.newSliceId();
              await client.commitSlices(f.ino, [{ index: 0, record: rec(0, id, 7), atEnd: true }]);
              return id;
            }),
          );
        const ids = (await Promise.all([appends(m), appends(other)])).flat();
        assert.equal((await m.getattr(f.ino)).length, 30 * 7);
        const records = await m.readChunk(f.ino, 0);
        assert.deepEqual(records.map((r) => r.id).sort(), [...ids].sort(), 'every append has its record');
        assert.deepEqual(records.map((r) => r.pos).sort((x, y) => x - y), ids.map((_, i) => i * 7), 'each at its own place');
      });
    });

    it('copyChunks adds references that keep slices alive after the source goes', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const g = await m.mknod(root, ROOT_INO, n('g'), { type: 'file', mode: 0o644 });
        const id = await m.newSliceId();
        await m.commitSlices(f.ino, [{ index: 0, record: rec(0, id, 10) }, { index: 0, record: rec(0, id, 10) }].slice(0, 1));
        await m.engine.txn((tx) => tx.copyChunks(f.ino, g.ino));
        assert.deepEqual(await m.readChunk(g.ino, 0), [rec(0, id, 10)]);
        await m.unlink(root, ROOT_INO, n('f'));
        assert.deepEqual(await m.pendingSlices(10), []);
        await m.unlink(root, ROOT_INO, n('g'));
        assert.deepEqual((await m.pendingSlices(10)).map((p) => p.id), [id]);
      });
    });

    it('compaction replaces leading records by one slice only if they are unchanged', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const [a, b, c, d] = [await m.newSliceId(), await m.newSliceId(), await m.newSliceId(), await m.newSliceId()];
        await m.commitSlices(f.ino, [{ index: 0, record: rec(0, a, 10) }, { index: 0, record: rec(5, b, 10) }]);
        const replaced = await m.readChunk(f.ino, 0);
        await m.commitSlices(f.ino, [{ index: 0, record: rec(0, c, 2) }]);
        assert.equal(await m.compactChunk(f.ino, 0, { replaced: [rec(0, b, 10)], result: rec(0, d, 15) }), false);
        assert.equal(await m.compactChunk(f.ino, 0, { replaced, result: rec(0, d, 15) }), true);
        assert.deepEqual(await m.readChunk(f.ino, 0), [rec(0, d, 15), rec(0, c, 2)]);
        assert.deepEqual((await m.pendingSlices(10)).map((p) => p.id).sort(), [a, b].sort());
      });
    });
  });
}
