// Inline data (docs/storage.md): slices up to the volume's inline size keep their bytes in the
// metadata engine. Every path that writes, shares, frees, checks or copies slices must treat
// them as it treats slices in objects: nothing lost, nothing leaked, fsck clean.
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import type { SliceId } from '../src/meta/types.js';
import { checkVolume, collectGarbage, configureVolume, dumpVolume, loadVolume, Volume, VolumeFileHandle, VolumeMetrics } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';
import { countObjects, listObjects } from './support/tree.js';
import { unlinkSync } from 'node:fs';

const BIG = Buffer.alloc(100_000, 3);

for (const engine of testEngines()) {
  describe(`inline data [${engine.name}]`, () => {
    it('small files, appends and small overwrites in a large file need no object; clones share them; removal frees them', () =>
      withEngineVolume(engine, async ({ vol, metaUrl, storageDir }) => {
        await vol.mkdir('/src');
        for (let i = 0; i < 20; i++) await vol.writeFile(`/src/f${i}`, `file ${i}\n`);
        const fh = await vol.open('/src/written', 'w');
        await fh.write('through a handle, ');
        await fh.write('in two writes');
        await fh.close();
        await vol.appendFile('/src/f0', 'appended\n');
        await vol.writeFile('/src/big', BIG);
        const objectsOfBig = countObjects(storageDir);
        assert.ok(objectsOfBig > 0, 'a large file is in objects');
        const patch = await vol.open('/src/big', 'r+');
        await patch.write('patched', 0, 'utf8');
        await patch.close();
        assert.equal(countObjects(storageDir), objectsOfBig, 'small writes added no object');
        const totals = await vol.meta.engine.totals();
        assert.equal(totals.inlineSlices, 20 + 1 + 1 + 1);

        await vol.clone('/src', '/copy');
        for (const root of ['/src', '/copy']) {
          assert.equal(await vol.readFile(`${root}/f0`, 'utf8'), 'file 0\nappended\n');
          assert.equal(await vol.readFile(`${root}/f19`, 'utf8'), 'file 19\n');
          assert.equal(await vol.readFile(`${root}/written`, 'utf8'), 'through a handle, in two writes');
          const big = await vol.readFile(`${root}/big`);
          assert.equal(big.subarray(0, 7).toString(), 'patched');
          assert.ok(big.subarray(7).equals(BIG.subarray(7)));
        }
        assert.equal((await vol.meta.engine.totals()).inlineSlices, totals.inlineSlices, 'the clone shares them');
        const other = await Volume.open(metaUrl);
        try {
          assert.equal(await other.readFile('/copy/f3', 'utf8'), 'file 3\n', 'another client reads them');
        } finally {
          await other.close();
        }
        assert.deepEqual((await checkVolume(vol, { checkObjects: true })).problems, []);

        await vol.rm('/src', { recursive: true });
        assert.equal(await vol.readFile('/copy/f5', 'utf8'), 'file 5\n');
        await vol.rm('/copy', { recursive: true });
        await vol.settle();
        const after = await vol.meta.engine.totals();
        assert.deepEqual([after.inlineSlices, after.inlineBytes, after.slices, after.pendingSlices], [0, 0, 0, 0]);
        assert.equal(countObjects(storageDir), 0);
        assert.deepEqual((await checkVolume(vol)).problems, []);
        const gc = await collectGarbage(vol);
        assert.equal(gc.objects.leaked.objects, 0);
      }));

    it('a dump carries inline data and a load into a fresh engine reads it back; --inline-size 0 writes objects again', () =>
      withEngineVolume(engine, async ({ vol, metaUrl, storageDir }) => {
        await vol.writeFile('/a', 'inline bytes');
        await vol.writeFile('/b', Buffer.from([0, 255, 1, 254]));
        let text = '';
        await dumpVolume(metaUrl, new Writable({ write: (chunk: Buffer, _e, cb) => void ((text += chunk.toString()), cb()) }));
        const slices = text.split('\n').filter((l) => l.includes('"t":"slice"')).map((l) => JSON.parse(l) as { data?: string });
        assert.deepEqual(slices.map((s) => Buffer.from(s.data ?? '', 'base64').toString('latin1')).sort(), ['\x00\xff\x01\xfe', 'inline bytes']);
        const target = await engine.newUrl();
        try {
          await loadVolume(target, Readable.from([text]));
          const loaded = await Volume.open(target, { readOnly: true });
          try {
            assert.equal(await loaded.readFile('/a', 'utf8'), 'inline bytes');
            assert.deepEqual([...(await loaded.readFile('/b'))], [0, 255, 1, 254]);
          } finally {
            await loaded.close();
          }
        } finally {
          await engine.cleanup(target);
        }
        await configureVolume(metaUrl, { inlineSize: 0 });
        const later = await Volume.open(metaUrl);
        try {
          await later.writeFile('/c', 'an object again');
          assert.equal(countObjects(storageDir), 1);
          assert.equal(await later.readFile('/a', 'utf8'), 'inline bytes', 'what was inline stays readable');
        } finally {
          await later.close();
        }
        await assert.rejects(configureVolume(metaUrl, { inlineSize: '65K' }), { code: 'EINVAL', path: '--inline-size' });
      }));

    it('a small file is read from what its open read, and a handle still sees every write of this client and, reopened, another client\'s', () =>
      withEngineVolume(engine, async ({ vol, another }) => {
        const metrics = new VolumeMetrics();
        const reader = await another({ metrics });
        await vol.writeFile('/f', 'one two three');
        const read = async (fh: VolumeFileHandle) => {
          const buf = Buffer.alloc(64);
          return buf.subarray(0, (await fh.read(buf, 0, 64, 0)).bytesRead).toString();
        };
        const calls = () => metrics.meta.reads + metrics.meta.transactions;
        const before = calls();
        const first = await reader.open('/f', 'r');
        const opened = calls();
        assert.equal(await read(first), 'one two three');
        assert.equal(await read(first), 'one two three');
        await first.close();
        assert.equal(calls(), opened, 'reads and the close after the open need no engine read');
        assert.ok(opened > before);
        const fh = await reader.open('/f', 'r');

        // This client's writes through any path are seen by the open handle at once.
        const writer = await reader.open('/f', 'r+');
        await writer.write('ONE', 0, 'utf8');
        assert.equal(await read(fh), 'ONE two three', 'a write through another handle, not yet closed');
        await writer.close();
        await reader.truncate('/f', 7);
        assert.equal(await read(fh), 'ONE two');
        await reader.appendFile('/f', '!');
        assert.equal(await read(fh), 'ONE two!');
        await fh.close();

        const fresh = await reader.open('/f', 'r');
        await reader.writeFile('/f', 'rewritten');
        assert.equal(await read(fresh), 'rewritten', 'writeFile of the open file');
        await fresh.close();

        // Another client's close is seen by the next open (close-to-open).
        const next = await reader.open('/f', 'r');
        assert.equal(await read(next), 'rewritten');
        await next.close();
        await vol.writeFile('/f', 'from the other client');
        const reopened = await reader.open('/f', 'r');
        assert.equal(await read(reopened), 'from the other client');
        await reopened.close();
      }));

    it('a small file kept in objects is read with the records its open read; a slice deleted since is read afresh', () =>
      withEngineVolume(engine, async ({ vol, another, storageDir }) => {
        const metrics = new VolumeMetrics();
        const reader = await another({ metrics });
        const old = Buffer.alloc(10_000, 'a');
        await vol.writeFile('/g', old);
        const objects = listObjects(storageDir);
        assert.equal(objects.length, 1, 'a file larger than the inline size is in an object');
        const buf = Buffer.alloc(20_000);
        const first = await reader.open('/g', 'r');
        const opened = metrics.meta.reads + metrics.meta.transactions;
        assert.ok(buf.subarray(0, (await first.read(buf, 0, buf.length, 0)).bytesRead).equals(old));
        assert.equal(metrics.meta.reads + metrics.meta.transactions, opened, 'the read needed no engine read');
        await first.close();
        // Opened, then another client replaces the data and the old object goes (as compaction
        // and the deletion queue may do) before the first read: what the open read names is gone.
        const fh = await (await another()).open('/g', 'r');
        const fresh = Buffer.alloc(12_000, 'b');
        await vol.writeFile('/g', fresh);
        for (const o of objects) unlinkSync(o);
        assert.ok(buf.subarray(0, (await fh.read(buf, 0, buf.length, 0)).bytesRead).equals(fresh), 'read afresh, not EIO');
        await fh.close();
      }));

    it('fsck finds inline data without a slice and inline data of the wrong length', () =>
      withEngineVolume(engine, async ({ vol }) => {
        await vol.writeFile('/big', BIG);
        const [record] = await vol.meta.readChunk((await vol.stat('/big')).ino as never, 0);
        await vol.meta.engine.txn(async (tx) => {
          await tx.putSliceData(999_999 as SliceId, Buffer.from('stray'));
          await tx.putSliceData(record!.id, Buffer.from('short'));
        });
        const kinds = (await checkVolume(vol)).problems.map((p) => `${p.kind}: ${p.detail}`);
        assert.deepEqual(kinds.sort(), [
          `inline-orphan: inline data of 5 bytes for slice 999999, which has no record`,
          `inline-size: slice ${record!.id} of ${BIG.length} bytes has 5 bytes of inline data (reads fail with EIO)`,
        ]);
      }));
  });
}
