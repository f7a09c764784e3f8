import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '../../../errors/index.js';
import { openEngine } from '../../registry.js';
import { n, root, testSettings, withMeta } from '../../testing/harness.js';
import { TEST_ENGINES, type TestEngine } from '../../testing/test-engines.js';
import { ROOT_INO, type SliceId } from '../../types.js';
import { VolumeMeta } from '../../volume-meta.js';
import { asBuffer } from './codec.js';
import { KeyLayout } from './key-layout.js';
import { parseRedisUrl } from './redis-url.js';
import { keysWithPrefix, onRedisTestServer } from './test-server.js';

const redis = TEST_ENGINES.find((e) => e.name === 'redis') as TestEngine;
const prefixOf = (url: string) => new URL(url).searchParams.get('prefix')!;
const keysOf = (url: string) => onRedisTestServer((conn) => keysWithPrefix(conn, prefixOf(url)));
const typeOf = (key: string) => onRedisTestServer(async (conn) => asBuffer(await conn.sendCommand(['TYPE', key]))!.toString());

describe('redis engine: URLs, key layout, opening', () => {
  it('parses URL forms, masks passwords and rejects what it does not understand', () => {
    assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6379/3?prefix=vol1:'), {
      connect: 'redis://127.0.0.1:6379/3', display: 'redis://127.0.0.1:6379/3?prefix=vol1:', database: 3, prefix: 'vol1:',
    });
    const withAuth = parseRedisUrl('rediss://user:s3cret@db.example:6380');
    assert.equal(withAuth.database, 0);
    assert.equal(withAuth.prefix, '');
    assert.equal(withAuth.display, 'rediss://user:***@db.example:6380');
    for (const bad of ['redis://host:6379/x', 'redis://host/1?prefx=a', 'redis:///1']) {
      assert.throws(() => parseRedisUrl(bad), (e: unknown) => e instanceof CodedError && e.code === 'ERR_BAD_URL', bad);
    }
  });

  it('keeps every key under the prefix, each of the documented type', async () => {
    await withMeta(redis, async (m, url) => {
      const d = await m.mkdir(root, ROOT_INO, n('dir'), 0o755);
      const f = await m.mknod(root, d.ino, n('file'), { type: 'file', mode: 0o644 });
      await m.symlink(root, d.ino, n('link'), n('file'));
      await m.setxattr(root, f.ino, 'user.k', n('v'));
      const [s1, s2] = [await m.newSliceId(), await m.newSliceId()];
      await m.commitSlices(f.ino, [{ index: 0, record: { pos: 0, id: s1 as SliceId, size: 10, off: 0, len: 10 } }]);
      await m.commitSlices(f.ino, [{ index: 0, record: { pos: 0, id: s2 as SliceId, size: 10, off: 0, len: 10 }, data: Buffer.alloc(10, 7) }]);
      await m.compactChunk(f.ino, 0, { replaced: (await m.readChunk(f.ino, 0)).slice(0, 1) }); // s1 → deletion queue
      await m.engine.txn((tx) => tx.setLocks(f.ino, m.session, [{ owner: 'o', pid: 1, kind: 'flock', type: 'read', start: 0, end: 1 }]));
      await m.open(root, f.ino, 0);
      await m.unlink(root, d.ino, n('link'));
      await m.engine.txn((tx) => tx.putSustained(m.session, f.ino));
      await m.engine.txn((tx) => tx.putDetached({ ino: f.ino, session: m.session, createdAt: 1 }));

      const layout = new KeyLayout(prefixOf(url));
      const keys = await keysOf(url);
      const expected: Record<string, string> = {
        setting: 'string', 'counter:nextInode': 'string', 'counter:inodes': 'string', 'counter:usedBytes': 'string',
        'counter:nextSlice': 'string', 'counter:nextSession': 'string', 'counter:storedSlices': 'string', 'counter:storedBytes': 'string', [`i${ROOT_INO}`]: 'string', [`i${d.ino}`]: 'string',
        [`i${f.ino}`]: 'string', [`d${ROOT_INO}`]: 'hash', [`n${ROOT_INO}`]: 'zset', [`d${d.ino}`]: 'hash', [`n${d.ino}`]: 'zset',
        [`x${f.ino}`]: 'hash', [`c${f.ino}`]: 'hash', [`l${f.ino}`]: 'hash', sliceRefs: 'hash', sliceSizes: 'hash', sliceData: 'hash',
        delSlices: 'zset', sessions: 'hash', [`sustained:${m.session}`]: 'set', [`o${f.ino}`]: 'set', [`sessionLocks:${m.session}`]: 'set', detached: 'hash',
      };
      const found: Record<string, string> = {};
      for (const key of keys) {
        assert.ok(layout.owns(key), `${key} is a documented key`);
        found[key.slice(layout.prefix.length)] = await typeOf(key);
      }
      assert.deepEqual(found, expected);
      await m.release(f.ino);
    });
  });

  it('opening a database without the volume creates nothing and reports it not formatted', async () => {
    const url = await redis.newUrl();
    try {
      await assert.rejects(VolumeMeta.open(url), (e: unknown) => e instanceof CodedError && e.code === 'ERR_NOT_FORMATTED');
      assert.equal(await VolumeMeta.existing(url), undefined);
      assert.deepEqual(await keysOf(url), []);
    } finally {
      await redis.cleanup(url);
    }
  });

  it('a server that does not answer is a clear error naming the URL (password masked)', async () => {
    const url = 'redis://me:hunter2@127.0.0.1:1/0?prefix=x:';
    await assert.rejects(openEngine(url), (e: unknown) => {
      assert.ok(e instanceof CodedError && e.code === 'ERR_ENGINE', String(e));
      assert.match(e.message, /redis:\/\/me:\*\*\*@127\.0\.0\.1:1\/0\?prefix=x:: cannot connect to Redis/);
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    });
  });

  it('format --force replaces only its own prefix; volumes sharing the database stay intact', async () => {
    const [a, b] = [await redis.newUrl(), await redis.newUrl()];
    try {
      await VolumeMeta.format(a, testSettings());
      await VolumeMeta.format(b, testSettings());
      const mb = await VolumeMeta.open(b);
      await mb.mkdir(root, ROOT_INO, n('keep'), 0o755);
      await mb.close();
      const ma = await VolumeMeta.open(a);
      await ma.mkdir(root, ROOT_INO, n('gone'), 0o755);
      await ma.close();
      const bKeys = (await keysOf(b)).sort();
      await VolumeMeta.format(a, { ...testSettings(), name: 'again' }, true);
      assert.deepEqual((await keysOf(b)).sort(), bKeys);
      const again = await VolumeMeta.open(a);
      assert.equal(again.settings.name, 'again');
      assert.deepEqual((await again.readdir(root, ROOT_INO)).entries, []);
      await again.close();
    } finally {
      await redis.cleanup(a);
      await redis.cleanup(b);
    }
  });

  it('totals and stats count this volume only', async () => {
    await withMeta(redis, async (m, url) => {
      const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
      const id = (await m.newSliceId()) as SliceId;
      await m.commitSlices(f.ino, [{ index: 0, record: { pos: 0, id, size: 1000, off: 0, len: 1000 } }]);
      const inline = (await m.newSliceId()) as SliceId;
      await m.commitSlices(f.ino, [{ index: 1, record: { pos: 0, id: inline, size: 300, off: 0, len: 300 }, data: Buffer.alloc(300, 1) }]);
      assert.deepEqual(await m.engine.totals(), {
        inodes: 2, fileBytes: 64 * 1024 * 1024 + 300, slices: 2, sliceBytes: 1300, pendingSlices: 0, inlineSlices: 1, inlineBytes: 300,
      });
      const stats = await m.engine.stats();
      assert.ok(stats.storageBytes > 0);
      assert.equal(stats.description.replace(/^Redis \d\S* /, 'Redis '), `Redis at ${url}: 17 keys`);
    });
  });
});
