import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { Engine, XattrRow } from '../src/meta/engine.js';
import { fsck } from '../src/meta/fsck/fsck.js';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { dumpVolume, loadVolume, Volume } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';
import { fillVolume } from './dump/volume-listing.js';

/** Every page of a scan of `limit` rows, joined. */
async function pages<R, A>(scan: (after: A | undefined, limit: number) => Promise<R[]>, cursor: (row: R) => A, limit: number): Promise<R[]> {
  const all: R[] = [];
  for (let after: A | undefined, page; (page = await scan(after, limit)).length; after = cursor(page[page.length - 1]!)) all.push(...page);
  return all;
}

async function dumpText(metaUrl: string): Promise<string> {
  return (await dumpWithReport(metaUrl)).text;
}

async function dumpWithReport(metaUrl: string) {
  let text = '';
  const report = await dumpVolume(metaUrl, new Writable({ write: (chunk: Buffer, _e, cb) => void ((text += chunk.toString()), cb()) }));
  return { text, report };
}

describe('the scans a dump reads, and a dump and load within each engine', () => {
  for (const engine of testEngines()) {
    it(`${engine.name}: symlinks and xattrs page in (ino, name) order; a load of a dump dumps the same records`, async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl }) => {
        await fillVolume(vol);
        for (const n of ['b', 'a', 'c']) await vol.setxattr('/src/sub/f3', `user.${n}`, n);
        await vol.symlink('/elsewhere', '/second-link');
        const e: Engine = vol.meta.engine;
        const xattrs = await pages<XattrRow, { ino: XattrRow['ino']; name: string }>((a, l) => e.scanXattrs(a, l), (r) => r, 1000);
        assert.ok(xattrs.length >= 7, `${xattrs.length} xattrs`);
        assert.deepEqual((await pages<XattrRow, { ino: XattrRow['ino']; name: string }>((a, l) => e.scanXattrs(a, l), (r) => r, 1)).map((x) => `${x.ino} ${x.name} ${x.value}`), xattrs.map((x) => `${x.ino} ${x.name} ${x.value}`));
        const sorted = [...xattrs].sort((x, y) => x.ino - y.ino || (x.name < y.name ? -1 : 1));
        assert.deepEqual(xattrs, sorted);
        const f3 = (await vol.stat('/src/sub/f3')).ino;
        const fromF3 = await e.scanXattrs({ ino: f3 as XattrRow['ino'], name: '' }, 2);
        assert.deepEqual(fromF3.map((x) => `${x.ino} ${x.name}`), [`${f3} user.a`, `${f3} user.b`]);
        const links = await pages((a: number | undefined, l) => e.scanSymlinks(a ?? 0, l), (r) => r.ino, 1);
        assert.deepEqual(links.map((l) => l.target.toString()).sort(), ['/elsewhere', 'sub/f1', 'sub/f1']);

        const text = await dumpText(metaUrl);
        const target = await engine.newUrl();
        try {
          await loadVolume(target, Readable.from([text]));
          const again = await dumpText(target);
          assert.equal(again.slice(again.indexOf('\n')), text.slice(text.indexOf('\n')));
          const loaded = await Volume.open(target, { readOnly: true });
          try {
            assert.equal((await loaded.readFile('/clone/sub/f3')).toString(), 'rewritten after the clone');
          } finally {
            await loaded.close();
          }
        } finally {
          await engine.cleanup(target);
        }
      });
    });
    it(`${engine.name}: an unlinked file a client holds open is left out with its references; the load is fsck-clean`, async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl }) => {
        await vol.writeFile('/kept', Buffer.alloc(3000, 1));
        const held = await vol.open('/held', 'w');
        await held.write(Buffer.alloc(5000, 2));
        await held.sync();
        await vol.copyFile('/kept', '/kept-copy');
        await vol.unlink('/held');
        const { text, report } = await dumpWithReport(metaUrl);
        await held.close();
        assert.equal(report.openUnlinked, 1);
        assert.equal(report.inodes, 3, 'root, /kept and /kept-copy');
        assert.match(text, /{"t":"pending","id":\d+,"size":5000}/, 'the held file\'s slice waits for deletion in the dump');
        assert.match(text, /{"t":"slice","id":\d+,"size":3000,"refs":2,"data":"AQEB/, 'the shared slice counts both records (its bytes inline)');
        const target = await engine.newUrl();
        try {
          await loadVolume(target, Readable.from([text]));
          const loaded = await Volume.open(target);
          try {
            assert.deepEqual((await fsck(loaded.meta.engine)).problems, []);
            assert.deepEqual((await loaded.readdir('/')).sort(), ['kept', 'kept-copy']);
          } finally {
            await loaded.close();
          }
        } finally {
          await engine.cleanup(target);
        }
      });
    });
  }
});
