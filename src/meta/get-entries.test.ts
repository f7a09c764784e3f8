import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineTx, EntryRead } from './engine.js';
import { n, root, withMeta } from './testing/harness.js';
import { testEngines } from './testing/test-engines.js';
import { type Ino, ROOT_INO } from './types.js';

/** getEntry step by step, as getEntries must answer in one read. */
async function stepByStep(tx: EngineTx, start: Ino, names: Buffer[]): Promise<EntryRead[]> {
  const out: EntryRead[] = [];
  for (let at = start, i = 0; i < names.length; i++) {
    const read = await tx.getEntry!(at, names[i]!);
    out.push(read);
    if (!read.dir || !read.attr) break;
    at = read.attr.ino;
  }
  return out;
}

const parts = (path: string) => path.split('/').filter(Boolean).map(n);

describe('getEntries: a walk through several names in one read', () => {
  // The in-memory engine reads nothing over a wire: it has neither getEntry nor getEntries.
  for (const engine of testEngines().filter((e) => e.name !== 'mem')) {
    it(`[${engine.name}] answers what getEntry answers step by step, and stops where the walk stops`, async () => {
      await withMeta(engine, async (meta) => {
        const a = await meta.mkdir(root, ROOT_INO, n('a'), 0o755);
        const b = await meta.mkdir(root, a.ino, n('b'), 0o700);
        await meta.mknod(root, b.ino, n('file'), { type: 'file', mode: 0o644 });
        await meta.symlink(root, a.ino, n('link'), n('b'));
        const odd = Buffer.from([0xc3, 0x28, 0x20, 0xff]); // not UTF-8
        await meta.mknod(root, a.ino, odd, { type: 'file', mode: 0o600 });
        const paths = ['/a/b/file', '/a/b', '/a/missing/file', '/a/b/file/under', '/a/link/file', '/nothing', '/a/b/file/x/y/z'];
        for (const names of [...paths.map(parts), [n('a'), odd], [n('a'), odd, n('x')]]) {
          const path = names.map((p) => p.toString('hex')).join('/');
          const walked = await meta.engine.read(async (tx) => {
            assert.ok(tx.getEntries, `${engine.name} reads walks at once`);
            return { all: await tx.getEntries(ROOT_INO, names), steps: await stepByStep(tx, ROOT_INO, names) };
          });
          assert.deepEqual(walked.all, walked.steps, path);
        }
        const gone = 999_999 as Ino; // no such inode: the walk's first step reads nothing, as getEntry's
        const fromNothing = await meta.engine.read(async (tx) => ({ all: await tx.getEntries!(gone, parts('/a/b')), steps: await stepByStep(tx, gone, parts('/a/b')) }));
        assert.deepEqual(fromNothing.all, fromNothing.steps);
        assert.deepEqual(fromNothing.all, [{}]);
        const deep = await meta.engine.read((tx) => tx.getEntries!(ROOT_INO, parts('/a/b/file')));
        assert.deepEqual(deep.map((r) => [r.dir?.ino, r.edge?.name.toString(), r.attr?.type]), [
          [ROOT_INO, 'a', 'dir'], [a.ino, 'b', 'dir'], [b.ino, 'file', 'file'],
        ]);
        // Through a symlink the walk goes no further (its inode has no entries); a missing name ends it.
        assert.equal((await meta.engine.read((tx) => tx.getEntries!(ROOT_INO, parts('/a/link/file')))).length, 3);
        assert.equal((await meta.engine.read((tx) => tx.getEntries!(ROOT_INO, parts('/a/missing/file')))).length, 2);
        assert.deepEqual(await meta.engine.read((tx) => tx.getEntries!(ROOT_INO, [])), []);
        // In a write transaction, where an engine reads walks at once there too (SQL; Redis watches
        // each key a write transaction reads, and steps), it sees the transaction's own writes.
        const seenInTxn = await meta.engine.txn(async (tx) => {
          await tx.putEdge(b.ino, { name: n('late'), ino: a.ino, type: 'dir' });
          if (engine.name === 'redis') {
            assert.equal(tx.getEntries, undefined, 'a Redis write transaction reads step by step');
            return undefined;
          }
          return { all: await tx.getEntries!(ROOT_INO, parts('/a/b/late/b')), steps: await stepByStep(tx, ROOT_INO, parts('/a/b/late/b')) };
        });
        if (seenInTxn) assert.deepEqual(seenInTxn.all, seenInTxn.steps);
        if (seenInTxn) assert.deepEqual(seenInTxn.all.map((r) => r.attr?.ino), [a.ino, b.ino, a.ino, b.ino], 'through the entry this transaction wrote');
        // What the walk found through a path matches a stat of it, and its checks still apply.
        assert.equal((await meta.resolve(root, '/a/link/file')).type, 'file');
        await assert.rejects(meta.resolve({ uid: 1001, gid: 1001, gids: [], umask: 0o022 }, '/a/b/file'), (e: NodeJS.ErrnoException) => e.code === 'EACCES');
        await assert.rejects(meta.resolve(root, '/a/b/file/under'), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
      });
    });
  }
});
