import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../../../errors/index.js';
import { n, root, withMeta, withOtherClient } from '../../testing/harness.js';
import { TEST_ENGINES, type TestEngine } from '../../testing/test-engines.js';
import { type Ino, ROOT_INO } from '../../types.js';
import { VolumeMeta } from '../../volume-meta.js';
import type { RedisEngine } from './redis-engine.js';
import { onRedisTestServer } from './test-server.js';

const redis = TEST_ENGINES.find((e) => e.name === 'redis') as TestEngine;

describe('redis engine: concurrent clients', () => {
  it('50 concurrent creates of distinct names from two clients all land; link count and counters exact', async () => {
    await withOtherClient(redis, async (m, other) => {
      const d = await m.mkdir(root, ROOT_INO, n('d'), 0o755);
      const created = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const client = i % 2 ? m : other;
          return i % 5 === 0 ? client.mkdir(root, d.ino, n(`sub${i}`), 0o755) : client.mknod(root, d.ino, n(`f${i}`), { type: 'file', mode: 0o644 });
        }),
      );
      assert.equal(new Set(created.map((a) => a.ino)).size, 50);
      const names = (await m.readdir(root, d.ino)).entries.map((e) => e.name.toString());
      assert.equal(names.length, 50);
      assert.equal((await m.getattr(d.ino)).nlink, 2 + 10);
      assert.deepEqual(await m.usage(), { usedBytes: 0, inodes: 2 + 50 });
      assert.equal((await m.engine.totals()).inodes, 2 + 50);
      const conflicts = (m.engine as RedisEngine).conflicts + (other.engine as RedisEngine).conflicts;
      assert.ok(conflicts > 0, 'the creates did conflict on the directory and were retried');
    });
  });

  it('20 concurrent creates of the same name: exactly one succeeds, the others fail with EEXIST', async () => {
    await withOtherClient(redis, async (m, other) => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? m : other).mknod(root, ROOT_INO, n('same'), { type: 'file', mode: 0o644 })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      assert.equal(won.length, 1);
      assert.ok(lost.every((e) => e instanceof FsError && e.code === 'EEXIST'), String(lost.find((e) => !(e instanceof FsError))));
      assert.equal((await m.lookup(root, ROOT_INO, n('same'))).ino, (won[0] as PromiseFulfilledResult<{ ino: Ino }>).value.ino);
      assert.deepEqual(await m.usage(), { usedBytes: 0, inodes: 2 });
      assert.equal((await m.getattr(ROOT_INO)).nlink, 2);
    });
  });

  it('a transaction whose reads changed underneath it runs again and commits on fresh values', async () => {
    await withMeta(redis, async (m, url) => {
      const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
      const prefix = new URL(url).searchParams.get('prefix')!;
      let runs = 0;
      const seen: number[] = [];
      await m.engine.txn(async (tx) => {
        runs++;
        const attr = (await tx.getInode(f.ino))!;
        seen.push(attr.uid);
        if (runs === 1) {
          // Another client changes the inode after this transaction read (and watched) it.
          const theirs = await VolumeMeta.open(url);
          await theirs.setattr(root, f.ino, { uid: 42 });
          await theirs.close();
        }
        await tx.putInode({ ...attr, gid: attr.uid + 1 });
      });
      assert.equal(runs, 2);
      assert.deepEqual(seen, [0, 42]);
      const final = await m.getattr(f.ino);
      assert.equal(final.uid, 42);
      assert.equal(final.gid, 43);
      assert.ok(prefix);
    });
  });

  it('an error decided from reads that changed underneath runs again instead of reaching the caller', async () => {
    await withMeta(redis, async (m, url) => {
      // Another client moves f from a to b after this rename read a (f there) and before it reads b:
      // the two reads mix two states and would say "f is in both", a NOREPLACE EEXIST no state ever had.
      const a = await m.mkdir(root, ROOT_INO, n('a'), 0o755);
      const b = await m.mkdir(root, ROOT_INO, n('b'), 0o755);
      await m.mknod(root, a.ino, n('f'), { type: 'file', mode: 0o644 });
      let runs = 0;
      const outcome = await m.engine
        .txn(async (tx) => {
          runs++;
          const inA = await tx.getEdge(a.ino, n('f'));
          if (runs === 1) {
            const theirs = await VolumeMeta.open(url);
            await theirs.rename(root, { parent: a.ino, name: n('f'), newParent: b.ino, newName: n('f') });
            await theirs.close();
          }
          const inB = await tx.getEdge(b.ino, n('f'));
          if (!inA) throw new FsError('ENOENT', { syscall: 'rename', path: 'f' });
          if (inB) throw new FsError('EEXIST', { syscall: 'rename', path: 'f' });
          return 'moved';
        })
        .catch((err: FsError) => err.code);
      assert.equal(runs, 2, 'the first attempt read a changed key, so it ran again');
      assert.equal(outcome, 'ENOENT', 'the second attempt sees f only in b');
    });
  });

  it('concurrent renames between two directories never lose or duplicate an entry', async () => {
    await withOtherClient(redis, async (m, other) => {
      const a = await m.mkdir(root, ROOT_INO, n('a'), 0o755);
      const b = await m.mkdir(root, ROOT_INO, n('b'), 0o755);
      for (let i = 0; i < 10; i++) await m.mknod(root, a.ino, n(`f${i}`), { type: 'file', mode: 0o644 });
      // Every file moves a → b by one client while the other moves it back b → a, several rounds.
      const mover = (client: VolumeMeta, from: Ino, to: Ino) =>
        Promise.all(Array.from({ length: 10 }, async (_, i) => {
          for (let round = 0; round < 3; round++) {
            await client.rename(root, { parent: from, name: n(`f${i}`), newParent: to, newName: n(`f${i}`) }).catch((e: unknown) => {
              if (!(e instanceof FsError && e.code === 'ENOENT')) throw e;
            });
          }
        }));
      await Promise.all([mover(m, a.ino, b.ino), mover(other, b.ino, a.ino)]);
      const inA = (await m.readdir(root, a.ino)).entries.map((e) => e.name.toString());
      const inB = (await m.readdir(root, b.ino)).entries.map((e) => e.name.toString());
      assert.deepEqual([...inA, ...inB].sort(), Array.from({ length: 10 }, (_, i) => `f${i}`).sort());
      assert.deepEqual(await m.usage(), { usedBytes: 0, inodes: 13 });
    });
  });

  it('scripts inside MULTI survive a flushed script cache (no partial commit)', async () => {
    await withMeta(redis, async (m) => {
      const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
      const id = await m.newSliceId();
      await m.commitSlices(f.ino, [{ index: 0, record: { pos: 0, id, size: 5, off: 0, len: 5 } }]);
      await onRedisTestServer((conn) => conn.sendCommand(['SCRIPT', 'FLUSH']));
      await m.unlink(root, ROOT_INO, n('f'));
      assert.deepEqual(await m.pendingSlices(10), [{ id, size: 5 }]);
      assert.deepEqual((await m.readdir(root, ROOT_INO)).entries, []);
    });
  });
});
