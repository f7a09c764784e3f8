import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import pg from 'pg';
import { keysWithPrefix, onRedisTestServer } from '../src/meta/engines/redis/test-server.js';
import { testEngines, type TestEngine } from '../src/meta/testing/test-engines.js';
import { listAll } from '../src/object/list-all.js';
import { openObjectStore } from '../src/object/registry.js';
import { fileTestStore, s3TestStore, type TestStore } from '../src/object/testing/test-stores.js';
import { destroyVolume, Volume } from '../src/sdk/index.js';
import { slicefs } from './support/cli.js';
import { buildTree } from './support/tree.js';

/** Everything the engine still holds of the volume: file names, table names or keys. */
async function leftInEngine(engine: TestEngine, url: string): Promise<string[]> {
  if (engine.name === 'sqlite3') {
    const file = url.slice('sqlite3://'.length);
    return [file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f));
  }
  if (engine.name === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const r = await client.query(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`);
      return r.rows.map((row: { t: string }) => row.t);
    } finally {
      await client.end();
    }
  }
  const prefix = new URL(url).searchParams.get('prefix')!;
  return onRedisTestServer((conn) => keysWithPrefix(conn, prefix));
}

async function objectsIn(storeUrl: string): Promise<string[]> {
  const store = await openObjectStore(storeUrl);
  try {
    const keys: string[] = [];
    for await (const o of listAll(store)) keys.push(o.key);
    return keys;
  } finally {
    await store.close();
  }
}

async function withFormatted(engine: TestEngine, store: TestStore, fn: (v: { metaUrl: string; storeUrl: string; uuid: string }) => Promise<void>) {
  const metaUrl = await engine.newUrl();
  const storeUrl = await store.newUrl();
  try {
    const settings = await Volume.format(metaUrl, 'doomed', { storage: storeUrl, blockSize: '64K' });
    const vol = await Volume.open(metaUrl);
    try {
      await buildTree(vol, '/t', { files: 12, fileSize: 150_000 });
    } finally {
      await vol.close();
    }
    await fn({ metaUrl, storeUrl, uuid: settings.uuid });
  } finally {
    await engine.cleanup(metaUrl).catch(() => undefined);
    await store.cleanup(storeUrl);
  }
}

for (const engine of testEngines().filter((e) => e.name !== 'mem')) {
  describe(`slicefs destroy [${engine.name}]`, () => {
    for (const store of [fileTestStore, s3TestStore()]) {
      it(`removes every object (${store.name}) and everything the engine held`, async () => {
        await withFormatted(engine, store, async ({ metaUrl, storeUrl, uuid }) => {
          assert.ok((await objectsIn(storeUrl)).length > 12);
          assert.ok((await leftInEngine(engine, metaUrl)).length > 0);
          const r = slicefs(['destroy', metaUrl, uuid, '--yes', '--json']);
          assert.equal(r.code, 0, r.err);
          assert.equal(JSON.parse(r.out).uuid, uuid);
          assert.ok(JSON.parse(r.out).objects > 12);
          assert.deepEqual(await objectsIn(storeUrl), [], 'the store is empty');
          assert.deepEqual(await leftInEngine(engine, metaUrl), [], 'the engine holds nothing of the volume');
          const gone = slicefs(['status', metaUrl]);
          assert.notEqual(gone.code, 0);
        });
      });
    }

    it('a wrong UUID is EINVAL and a live session is EBUSY: nothing deleted either way', async () => {
      await withFormatted(engine, fileTestStore, async ({ metaUrl, storeUrl, uuid }) => {
        const objects = (await objectsIn(storeUrl)).length;
        const wrong = slicefs(['destroy', metaUrl, '00000000-0000-0000-0000-000000000000', '--yes']);
        assert.notEqual(wrong.code, 0);
        assert.match(wrong.err, /^slicefs: destroy: .*: Invalid argument \(00000000-0000-0000-0000-000000000000 is not the volume's UUID/);
        await assert.rejects(destroyVolume(metaUrl, 'nope'), (e: { code?: string }) => e.code === 'EINVAL');
        const vol = await Volume.open(metaUrl, { program: 'still-using-it' });
        try {
          const busy = slicefs(['destroy', metaUrl, uuid, '--yes']);
          assert.notEqual(busy.code, 0);
          assert.match(busy.err, /^slicefs: destroy: Device or resource busy \(cannot destroy the volume while 1 session\(s\) are alive: #\d+ still-using-it pid \d+ on /);
          const noYes = slicefs(['destroy', metaUrl, uuid]);
          assert.match(noYes.err, /not on a terminal: pass --yes to confirm/);
          assert.equal((await objectsIn(storeUrl)).length, objects);
          assert.equal((await vol.readdir('/t')).length > 0, true, 'the volume is intact');
        } finally {
          await vol.close();
        }
        assert.equal(slicefs(['status', metaUrl]).code, 0, 'still a volume');
      });
    });
  });
}
