import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Engine, EngineTx } from './engine.js';
import { publishingChanges } from './change-feed.js';
import { RecentAttrs } from './recent-attrs.js';
import { n, root, withMeta } from './testing/harness.js';
import { testEngines } from './testing/test-engines.js';
import { type Attr, type Ino, ROOT_INO } from './types.js';
import { VolumeMeta } from './volume-meta.js';

const t = { sec: 1, nsec: 0 };
const attrOf = (ino: number, mode = 0o644): Attr =>
  ({ ino: ino as Ino, type: 'file', mode, uid: 0, gid: 0, nlink: 1, length: 0, rdev: 0, atime: t, mtime: t, ctime: t, parent: ROOT_INO });

/** A promise that settles when `release` is called: holds a transaction open while others run. */
function gated(): { gate: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { gate, release };
}

/** An engine whose transactions run `fn` on a tx that only notes puts; `attempts` runs per transaction (a retry). */
function fakeEngine(options: { attempts?: number } = {}): Engine & { puts: number[] } {
  const puts: number[] = [];
  const tx = { putInode: async (a: Attr) => void puts.push(a.ino), deleteInode: async () => undefined, getInode: async () => undefined } as unknown as EngineTx;
  return {
    puts,
    async txn(fn) {
      for (let i = 1; i < (options.attempts ?? 1); i++) await fn(tx).catch(() => undefined);
      return fn(tx);
    },
  } as Engine & { puts: number[] };
}

describe('RecentAttrs: the attributes this client committed', () => {
  it('answers what a committed transaction wrote, within the age asked for and its lifetime', async () => {
    const recent = new RecentAttrs(1_000);
    const engine = publishingChanges(fakeEngine(), recent);
    await engine.txn(async (tx) => tx.putInode(attrOf(5, 0o600)));
    const at = Date.now();
    assert.equal(recent.get(5 as Ino, 1_000, at)?.attr.mode, 0o600);
    assert.equal(recent.get(5 as Ino, 1_000, at + 400)?.ageMs, recent.get(5 as Ino, 1_000, at)!.ageMs + 400);
    assert.equal(recent.get(5 as Ino, 100, at + 400), undefined, 'older than the age asked for');
    assert.equal(recent.get(5 as Ino, 60_000, at + 5_000), undefined, 'older than the lifetime');
    assert.equal(recent.get(6 as Ino, 1_000, at), undefined, 'never written');
  });

  it('keeps the last write of a transaction, drops a deleted inode, and copies what it keeps', async () => {
    const recent = new RecentAttrs(1_000);
    const engine = publishingChanges(fakeEngine(), recent);
    const a = attrOf(5, 0o600);
    await engine.txn(async (tx) => {
      await tx.putInode(a);
      await tx.putInode({ ...a, mode: 0o640 });
      await tx.putInode(attrOf(6));
    });
    a.mode = 0o777; // the caller's object changes later: the record does not
    assert.equal(recent.get(5 as Ino, 1_000)?.attr.mode, 0o640);
    await engine.txn(async (tx) => tx.deleteInode(6 as Ino));
    assert.equal(recent.get(6 as Ino, 1_000), undefined);
  });

  it('records nothing of a failed transaction, and forgets what it had of the inodes that one wrote', async () => {
    const recent = new RecentAttrs(1_000);
    const engine = publishingChanges(fakeEngine(), recent);
    await engine.txn(async (tx) => tx.putInode(attrOf(5, 0o600)));
    await assert.rejects(engine.txn(async (tx) => {
      await tx.putInode(attrOf(5, 0o611));
      await tx.putInode(attrOf(7));
      throw new Error('conflict');
    }));
    assert.equal(recent.get(5 as Ino, 1_000), undefined, 'the failed commit may have landed: ask the engine');
    assert.equal(recent.get(7 as Ino, 1_000), undefined);
  });

  it('keeps only the attempt that committed when a transaction is retried', async () => {
    const recent = new RecentAttrs(1_000);
    let attempt = 0;
    const engine = publishingChanges(fakeEngine({ attempts: 2 }), recent);
    await engine.txn(async (tx) => tx.putInode(attrOf(++attempt === 1 ? 8 : 9)));
    assert.equal(recent.get(8 as Ino, 1_000), undefined);
    assert.ok(recent.get(9 as Ino, 1_000));
  });

  it('drops what overlapping transactions wrote: their commits may settle out of order', async () => {
    const recent = new RecentAttrs(1_000);
    const engine = publishingChanges(fakeEngine(), recent);
    const { gate, release } = gated();
    const first = engine.txn(async (tx) => {
      await tx.putInode(attrOf(5, 0o600));
      await gate;
    });
    const second = engine.txn(async (tx) => tx.putInode(attrOf(5, 0o640)));
    await second;
    release();
    await first;
    assert.equal(recent.get(5 as Ino, 1_000), undefined);
    await engine.txn(async (tx) => tx.putInode(attrOf(5, 0o604)));
    assert.equal(recent.get(5 as Ino, 1_000)?.attr.mode, 0o604, 'alone again: recorded');
  });

  it('keeps what overlapping transactions wrote to inodes no other transaction settled meanwhile wrote', async () => {
    const recent = new RecentAttrs(1_000);
    const engine = publishingChanges(fakeEngine(), recent);
    const { gate, release } = gated();
    const first = engine.txn(async (tx) => {
      await tx.putInode(attrOf(6, 0o600));
      await tx.putInode(attrOf(1, 0o755));
      await gate;
    });
    await engine.txn(async (tx) => {
      await tx.putInode(attrOf(7, 0o640));
      await tx.putInode(attrOf(1, 0o750));
    });
    assert.equal(recent.get(7 as Ino, 1_000)?.attr.mode, 0o640, 'overlapping, but nothing else wrote 7');
    assert.equal(recent.get(1 as Ino, 1_000)?.attr.mode, 0o750, 'the first has not settled: its write to 1 is not known yet');
    release();
    await first;
    assert.equal(recent.get(6 as Ino, 1_000)?.attr.mode, 0o600, 'nothing settled meanwhile wrote 6');
    assert.equal(recent.get(1 as Ino, 1_000), undefined, 'both wrote 1: which committed last is unknown');
  });

  it('remembers the inodes a committed transaction removed, overlapping or not, for its lifetime; not a failed one\'s', async () => {
    const recent = new RecentAttrs(1_000);
    const engine = publishingChanges(fakeEngine(), recent);
    const { gate, release } = gated();
    const first = engine.txn(async (tx) => {
      await tx.deleteInode(5 as Ino);
      await gate;
    });
    await engine.txn(async (tx) => tx.deleteInode(6 as Ino));
    release();
    await first;
    await assert.rejects(engine.txn(async (tx) => {
      await tx.deleteInode(7 as Ino);
      throw new Error('failed');
    }));
    const at = Date.now();
    assert.deepEqual([5, 6, 7, 8].map((ino) => recent.removed(ino as Ino, at)), [true, true, false, false]);
    assert.equal(recent.removed(5 as Ino, at + 5_000), false, 'older than the lifetime');
  });

  it('stays bounded: entries past their lifetime go first', async () => {
    const recent = new RecentAttrs(1_000);
    const engine = publishingChanges(fakeEngine(), recent);
    await engine.txn(async (tx) => {
      for (let i = 1; i <= 10_000; i++) await tx.putInode(attrOf(i));
    });
    assert.ok(recent.size <= 8_192, `${recent.size} entries`);
    assert.ok(recent.get(10_000 as Ino, 1_000), 'the newest stay');
  });
});

/** Runs `fn` on another client of the volume (another process's view of the engine). */
async function onOther(url: string, fn: (other: VolumeMeta) => Promise<unknown>): Promise<void> {
  const other = await VolumeMeta.open(url);
  try {
    await fn(other);
  } finally {
    await other.close();
  }
}

for (const engine of testEngines()) {
  describe(`getattrRecent [${engine.name}]`, () => {
    it("answers this client's own commit without reading the engine; getattr reads another client's change", async () => {
      await withMeta(engine, async (meta, url) => {
        const dir = await meta.mkdir(root, ROOT_INO, n('d'), 0o755);
        const mine = await meta.getattrRecent(ROOT_INO, 60_000);
        assert.equal(mine.attr.nlink, 3, 'the root as the mkdir left it');
        assert.ok(mine.ageMs >= 0 && mine.ageMs <= 1_000);
        const other = await VolumeMeta.open(url);
        try {
          await other.setattr(root, ROOT_INO, { mode: 0o700 });
        } finally {
          await other.close();
        }
        assert.equal((await meta.getattrRecent(ROOT_INO, 60_000)).attr.mode & 0o777, 0o755, 'from the commit, not the engine');
        assert.equal((await meta.getattr(ROOT_INO)).mode & 0o777, 0o700, 'getattr is exact');
        assert.equal((await meta.getattrRecent(ROOT_INO, 60_000)).attr.mode & 0o777, 0o700, 'after an exact read, never the older commit again');
        // Whatever hands attributes on (lookup, open, a listing) makes the same promise.
        for (const [what, handOn] of [
          ['lookup', () => meta.lookup(root, ROOT_INO, n('d'))],
          ['open', () => meta.open(root, dir.ino, 0).then(() => meta.release(dir.ino))],
          ['readdir', () => meta.readdir(root, ROOT_INO, { plus: true })],
        ] as const) {
          await meta.setattr(root, dir.ino, { mode: 0o750 }); // this client's commit: kept
          await onOther(url, (o) => o.setattr(root, dir.ino, { mode: 0o705 }));
          assert.equal((await meta.getattrRecent(dir.ino, 60_000)).attr.mode & 0o777, 0o750, `${what}: the commit answers first`);
          await handOn();
          assert.equal((await meta.getattrRecent(dir.ino, 60_000)).attr.mode & 0o777, 0o705, `${what} forgets it`);
        }
        assert.equal((await meta.getattrRecent(dir.ino, 60_000)).attr.type, 'dir');
        await meta.rmdir(root, ROOT_INO, n('d'));
        const after = await meta.getattrRecent(ROOT_INO, 60_000);
        assert.equal(after.attr.nlink, 2);
        assert.equal(after.attr.mode & 0o777, 0o700, 'the rmdir read the root afresh and wrote it back');
        const unknown = await meta.getattrRecent(dir.ino, 60_000).catch((err: Error & { code?: string }) => err.code);
        assert.equal(unknown, 'ENOENT', 'a removed inode is not answered from memory');
      });
    });
  });
}
