import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { n, root, withMeta } from '../../testing/harness.js';
import { TEST_ENGINES, type TestEngine } from '../../testing/test-engines.js';
import { type Ino, ROOT_INO, type SliceId, type SliceRecord } from '../../types.js';
import { redisActivity } from './activity.js';
import { chunkReferences } from '../../testing/chunk-references.js';

const redis = TEST_ENGINES.find((e) => e.name === 'redis') as TestEngine;
const rec = (pos: number, id: number, len: number): SliceRecord => ({ pos, id: id as SliceId, size: len, off: 0, len });
const edge = (name: Buffer, ino: number) => ({ name, ino: ino as Ino, type: 'file' as const });

describe('redis engine: a transaction reads its own writes', () => {
  it('entries: listEdges merges buffered puts and deletes with the server, in byte order', async () => {
    await withMeta(redis, async (m) => {
      await m.engine.txn(async (tx) => {
        for (const name of ['b', 'd', 'f', 'h']) await tx.putEdge(ROOT_INO, edge(n(name), 100));
      });
      const names = await m.engine.txn(async (tx) => {
        await tx.deleteEdge(ROOT_INO, n('b'));
        await tx.deleteEdge(ROOT_INO, n('d'));
        await tx.putEdge(ROOT_INO, edge(n('a'), 101));
        await tx.putEdge(ROOT_INO, edge(n('e'), 102));
        assert.equal(await tx.getEdge(ROOT_INO, n('b')), undefined);
        assert.equal((await tx.getEdge(ROOT_INO, n('e')))?.ino, 102);
        const first = await tx.listEdges(ROOT_INO, undefined, 3);
        const rest = await tx.listEdges(ROOT_INO, first[first.length - 1]!.name, 3);
        return [...first, ...rest].map((e) => e.name.toString());
      });
      assert.deepEqual(names, ['a', 'e', 'f', 'h']);
      assert.deepEqual((await m.engine.read((tx) => tx.listEdges(ROOT_INO, undefined, 10))).map((e) => e.name.toString()), names);
    });
  });

  it('chunks, slices and counters: appends, deletions, copies and references as the transaction left them', async () => {
    await withMeta(redis, async (m) => {
      const [f, g] = [100 as Ino, 101 as Ino];
      await m.engine.txn(async (tx) => {
        await tx.createSlice(1 as SliceId, 10);
        await tx.createSlice(2 as SliceId, 20);
        await tx.appendChunk(f, 0, [rec(0, 1, 10)]);
        await tx.appendChunk(f, 3, [rec(0, 2, 20)]);
      });
      await m.engine.txn(async (tx) => {
        await tx.appendChunk(f, 0, [rec(5, 2, 5)]);
        assert.deepEqual(await tx.getChunk(f, 0), [rec(0, 1, 10), rec(5, 2, 5)]);
        await tx.addSliceRefs([2 as SliceId]);
        await tx.copyChunks(f, g);
        assert.deepEqual(await tx.getChunk(g, 3), [rec(0, 2, 20)]);
        assert.deepEqual(await tx.getSlices([1, 2] as SliceId[]), new Map([[1, { size: 10, refs: 2 }], [2, { size: 20, refs: 4 }]]));
        await tx.deleteChunks(f, 0);
        assert.deepEqual(await tx.getChunk(f, 0), []);
        await tx.appendChunk(f, 0, [rec(1, 0, 1)]);
        assert.deepEqual(await tx.getChunk(f, 0), [rec(1, 0, 1)]);
        await tx.deleteChunks(g, 1);
        assert.deepEqual(await tx.getSlices([1, 2] as SliceId[]), new Map([[1, { size: 10, refs: 1 }], [2, { size: 20, refs: 1 }]]));
        await tx.dropSliceRefs([1 as SliceId]);
        assert.deepEqual(await tx.getSlices([1, 2] as SliceId[]), new Map([[2, { size: 20, refs: 1 }]]));
        const before = await tx.getCounter('usedBytes');
        await tx.addCounter('usedBytes', 7);
        assert.equal(await tx.getCounter('usedBytes'), before + 7);
      });
      assert.deepEqual(await m.engine.read((tx) => tx.getChunk(f, 0)), [rec(1, 0, 1)]);
      assert.deepEqual(await m.engine.read((tx) => tx.getChunk(g, 0)), [rec(0, 1, 10), rec(5, 2, 5)]);
      assert.deepEqual(await m.engine.read((tx) => tx.getChunk(g, 3)), []);
      assert.deepEqual(await m.engine.read((tx) => tx.getSlices([1, 2] as SliceId[])), new Map([[2, { size: 20, refs: 1 }]]));
      assert.deepEqual(await m.pendingSlices(10), [{ id: 1, size: 10 }]);
      // g still records slice 1, whose reference this test dropped by hand: the scan sees the record.
      assert.deepEqual((await chunkReferences(m.engine)).counts, new Map([[1, 1], [2, 1]]));
    });
  });

  it('binary names round-trip exactly and sort by bytes', async () => {
    await withMeta(redis, async (m) => {
      const names = [
        Buffer.from([0xff, 0xfe]), Buffer.from([0x80]), Buffer.from([0xc3, 0x28]), Buffer.from([0x01, 0x02, 0x03]),
        Buffer.from('caf\u00e9'), Buffer.from('cafe'), Buffer.from([0x41, 0xff, 0x41]), Buffer.from('a'.repeat(255)),
        Buffer.from([0x28]), Buffer.from([0x5b]), Buffer.from('-'), Buffer.from('+'),
      ];
      const inos = new Map<string, Ino>();
      for (const name of names) inos.set(name.toString('hex'), (await m.mknod(root, ROOT_INO, name, { type: 'file', mode: 0o644 })).ino);
      const listed = (await m.readdir(root, ROOT_INO)).entries;
      assert.deepEqual(listed.map((e) => e.name.toString('hex')), [...names].sort(Buffer.compare).map((b) => b.toString('hex')));
      for (const e of listed) assert.equal(e.ino, inos.get(e.name.toString('hex')));
      for (const name of names) assert.equal((await m.lookup(root, ROOT_INO, name)).ino, inos.get(name.toString('hex')));
      const page = await m.readdir(root, ROOT_INO, { after: Buffer.from([0x80]), limit: 100 });
      assert.deepEqual(page.entries.map((e) => e.name.toString('hex')), [...names].sort(Buffer.compare).filter((b) => Buffer.compare(b, Buffer.from([0x80])) > 0).map((b) => b.toString('hex')));
      await m.rename(root, { parent: ROOT_INO, name: names[0]!, newParent: ROOT_INO, newName: Buffer.from([0xfe, 0xff, 0x00 + 1]) });
      assert.equal((await m.lookup(root, ROOT_INO, Buffer.from([0xfe, 0xff, 0x01]))).ino, inos.get('fffe'));
      for (const name of [...names.slice(1), Buffer.from([0xfe, 0xff, 0x01])]) await m.unlink(root, ROOT_INO, name);
      assert.deepEqual((await m.readdir(root, ROOT_INO)).entries, []);
    });
  });

  it('inline data: every byte value round-trips, a transaction reads its own, scans page in id order, a live slice keeps it', async () => {
    await withMeta(redis, async (m) => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
      const ids = [...Array.from({ length: 150 }, (_, i) => ((i * 37) % 150) + 1), 2 ** 40].map((id) => id as SliceId);
      const dataOf = (id: number) => Buffer.concat([bytes, Buffer.from(String(id))]);
      const seen = await m.engine.txn(async (tx) => {
        for (const id of ids) {
          await tx.createSlice(id, dataOf(id).length);
          await tx.putSliceData(id, new Uint8Array(dataOf(id)));
        }
        return tx.getSliceData([ids[0]!, 999 as SliceId, ids[0]!]);
      });
      assert.deepEqual([...seen], [[ids[0], dataOf(ids[0]!)]], 'its own put, once; an id without data is absent');
      assert.deepEqual(await m.engine.read((tx) => tx.getSliceData([2 ** 40 as SliceId, 0 as SliceId])), new Map([[2 ** 40, dataOf(2 ** 40)]]));
      const sorted = [...ids].sort((a, b) => a - b);
      for (const limit of [40, 1000]) {
        const scanned: Array<{ id: SliceId; data: Buffer }> = [];
        for (let after = 0, page; (page = await m.engine.scanSliceData(after, limit)).length; after = page[page.length - 1]!.id) {
          assert.ok(page.length <= limit);
          scanned.push(...page);
        }
        assert.deepEqual(scanned, sorted.map((id) => ({ id, data: dataOf(id) })), `pages of ${limit}`);
      }
      const totals = await m.engine.totals();
      assert.deepEqual([totals.inlineSlices, totals.inlineBytes], [ids.length, ids.reduce((sum, id) => sum + dataOf(id).length, 0)]);
      await m.engine.finishPendingSlices([ids[0]!]);
      assert.deepEqual((await m.readSliceData([ids[0]!])).get(ids[0]!), dataOf(ids[0]!), 'not queued for deletion: the data stays');
    });
  });

  it('whole-volume scans page in order', async () => {
    await withMeta(redis, async (m) => {
      const dirs = [await m.mkdir(root, ROOT_INO, n('x'), 0o755), await m.mkdir(root, ROOT_INO, n('y'), 0o755)];
      for (const d of dirs) for (const name of ['c', 'a', 'b']) await m.mknod(root, d.ino, n(name), { type: 'file', mode: 0o644 });
      const inodes: number[] = [];
      for (let after = 0, page; (page = await m.engine.scanInodes(after, 3)).length; after = page[page.length - 1]!.ino) inodes.push(...page.map((a) => a.ino));
      assert.equal(inodes.length, 9);
      assert.deepEqual(inodes, [...inodes].sort((a, b) => a - b));
      const edges: string[] = [];
      for (let after: { parent: Ino; name: Buffer } | undefined, page; (page = await m.engine.scanEdges(after, 4)).length; ) {
        edges.push(...page.map((e) => `${e.parent}/${e.edge.name}`));
        after = { parent: page[page.length - 1]!.parent, name: page[page.length - 1]!.edge.name };
      }
      const [x, y] = dirs.map((d) => d.ino);
      assert.deepEqual(edges, [`${ROOT_INO}/x`, `${ROOT_INO}/y`, `${x}/a`, `${x}/b`, `${x}/c`, `${y}/a`, `${y}/b`, `${y}/c`]);
      const f = await m.lookup(root, x!, n('a'));
      const ids = [await m.newSliceId(), await m.newSliceId(), await m.newSliceId()];
      for (const id of ids) await m.commitSlices(f.ino, [{ index: 0, record: rec(0, id, 10) }]);
      const slices: number[] = [];
      for (let after = 0, page; (page = await m.engine.scanSlices(after, 2)).length; after = page[page.length - 1]!.id) slices.push(...page.map((s) => s.id));
      assert.deepEqual(slices, [...ids].sort((a, b) => a - b));
      assert.deepEqual([...(await chunkReferences(m.engine)).owners], [f.ino]);
    });
  });
});

describe('redis engine: round trips', () => {
  it('a directory and its entry are read in one round trip (before: create 3, lookup 3, rename 5, unlink 5)', async () => {
    await withMeta(redis, async (m) => {
      await m.mknod(root, ROOT_INO, n('warm'), { type: 'file', mode: 0o644 });
      const count = async (fn: () => Promise<unknown>) => {
        const before = redisActivity();
        await fn();
        const after = redisActivity();
        return after.requests + after.commits - before.requests - before.commits;
      };
      const create = await count(() => m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 }));
      const lookup = await count(() => m.lookup(root, ROOT_INO, n('f')));
      const missing = await count(() => m.lookup(root, ROOT_INO, n('none')).catch(() => undefined));
      const rename = await count(() => m.rename(root, { parent: ROOT_INO, name: n('f'), newParent: ROOT_INO, newName: n('g') }));
      const made = await m.mknod(root, ROOT_INO, n('h'), { type: 'file', mode: 0o644 });
      // From the attributes this client just committed: one script that compares and sets (was 2).
      const chmod = await count(() => m.setattr(root, made.ino, { mode: 0o600 }));
      const utimes = await count(() => m.setattr(root, made.ino, { mtime: { sec: 5, nsec: 6 } }));
      const unlink = await count(() => m.unlink(root, ROOT_INO, n('g')));
      const written = await m.mknod(root, ROOT_INO, n('w'), { type: 'file', mode: 0o644 });
      const id = await m.newSliceId();
      const close = await count(() => m.commitSlices(written.ino, [{ index: 0, record: { pos: 0, id, size: 6, off: 0, len: 6 }, data: Buffer.from('hello\n') }]));
      // Requests and MULTI … EXEC blocks: the directory with its entry, the inode it names (in a
      // write transaction with who holds it open: an unlink took 4 when it asked that on its own), the writes.
      // A create in a directory, and a close's commit to an inode, this client's own commit left:
      // one script that checks what was assumed and writes (were 2 each).
      assert.deepEqual(
        { create, lookup, missing, rename, chmod, utimes, unlink, close },
        { create: 1, lookup: 2, missing: 1, rename: 4, chmod: 1, utimes: 1, unlink: 3, close: 1 },
      );
      assert.deepEqual((await m.readChunk(written.ino, 0)).map((r) => [r.pos, r.len, r.id]), [[0, 6, id]]);
      assert.equal((await m.getattr(written.ino)).length, 6);
      assert.deepEqual([(await m.getattr(made.ino)).mode, (await m.getattr(made.ino)).mtime], [0o600, { sec: 5, nsec: 6 }]);
    });
  });

  it('a path is walked in one round trip, however deep (before: 7 for /a/b/f, 3 for /a, 6 for /a/b/none/x)', async () => {
    await withMeta(redis, async (m) => {
      const a = await m.mkdir(root, ROOT_INO, n('a'), 0o755);
      const b = await m.mkdir(root, a.ino, n('b'), 0o755);
      const f = await m.mknod(root, b.ino, n('f'), { type: 'file', mode: 0o644 });
      const requests = async (path: string) => {
        const before = redisActivity().requests;
        const found = await m.resolve(root, path).then((attr) => attr.ino, (err: NodeJS.ErrnoException) => err.code);
        return [found, redisActivity().requests - before];
      };
      assert.deepEqual(
        { deep: await requests('/a/b/f'), top: await requests('/a'), absent: await requests('/a/b/none/x') },
        { deep: [f.ino, 1], top: [a.ino, 1], absent: ['ENOENT', 1] },
      );
    });
  });
});
