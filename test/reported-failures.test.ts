// Failures nobody would otherwise see (issue 11 item 4): a commit that fails when the volume
// closes reaches the caller of close(), background failures are logged with their errno and
// the retry that follows, and a path that cannot be resolved is not taken for a missing one.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FsError, Volume } from '../src/sdk/index.js';
import { MemoryEngine } from '../src/meta/engines/memory/memory-engine.js';
import { memoryTestStore } from '../src/object/testing/test-stores.js';
import { COMPACT_THRESHOLD } from '../src/chunk/compactor.js';
import { withVolume } from './support/temp-volume.js';

const isErrno = (code: string, syscall?: string) => (e: unknown) =>
  e instanceof FsError && e.code === code && (syscall === undefined || e.syscall === syscall);

describe('failures reach the caller or the log', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups) await c();
  });
  let n = 0;

  /** A memory volume whose store fails as `faults` says; log lines go to `lines`. */
  async function volumeWith(faults: string) {
    const storeUrl = await memoryTestStore.newUrl();
    const metaUrl = `mem://reported-failures-${process.pid}-${++n}`;
    // Inline data off: these failures are of uploads, small writes included.
    await Volume.format(metaUrl, 'faults', { storage: `${storeUrl}?${faults}`, blockSize: '64K', inlineSize: 0 });
    const lines: string[] = [];
    const volume = await Volume.open(metaUrl, { log: (line) => lines.push(line) });
    cleanups.push(async () => {
      MemoryEngine.reset(metaUrl);
      await memoryTestStore.cleanup(storeUrl);
    });
    return { volume, lines, metaUrl };
  }

  it('Volume.close() with open handles rejects with the commit that failed, after closing everything', async () => {
    const { volume, metaUrl } = await volumeWith('faults=put,key=chunks/*&retries=0');
    const a = await volume.open('/a', 'w');
    const b = await volume.open('/b', 'a');
    await a.write('never stored');
    await b.write('nor this');
    await assert.rejects(volume.close(), isErrno('EIO', 'close'));
    const other = await Volume.open(metaUrl);
    assert.equal((await other.meta.engine.listSessions()).length, 1, 'the closed client ended its session all the same');
    await other.close();
  });

  it('a compaction that fails is logged with its errno and the retry', async () => {
    // Every record's slice is stored; the compacted slice is not.
    const { volume, lines } = await volumeWith(`faults=put,after=${COMPACT_THRESHOLD},key=chunks/*&retries=0`);
    const h = await volume.open('/f', 'w');
    for (let i = 0; i < COMPACT_THRESHOLD; i++) {
      await h.write(Buffer.from([i]), 0, 1, i);
      await h.sync();
    }
    await h.close();
    await volume.settle();
    const line = lines.find((l) => l.includes('compacting'));
    assert.match(line ?? lines.join('\n'), /^slicefs: compacting chunk 0 of inode \d+ failed: EIO: .*; it is tried again at the next commit to that chunk$/);
    assert.equal((await volume.readFile('/f')).length, COMPACT_THRESHOLD, 'the file is whole without compaction');
    await volume.close();
  });

  it('EACCES while resolving an existing path is EACCES, not "missing, so create it"', async () => {
    await withVolume(async (vol, tv) => {
      await vol.mkdir('/private', { mode: 0o700 });
      await vol.writeFile('/private/f', 'secret');
      await vol.mkdir('/pub');
      await vol.chmod('/pub', 0o777);
      await vol.symlink('/private/f', '/pub/link');
      const alice = await tv.open({ caller: { uid: 1001, gid: 1001, gids: [] } });
      try {
        // As open(2) on Linux: the link's target is behind a directory alice may not search.
        for (const flags of ['a', 'w', 'r+']) await assert.rejects(alice.open('/pub/link', flags), isErrno('EACCES', 'open'), `open '${flags}'`);
        await assert.rejects(alice.open('/private/f', 'a'), isErrno('EACCES', 'open'));
        await assert.rejects(alice.writeFile('/private/new', 'x'), isErrno('EACCES', 'open'));
        assert.deepEqual(await vol.readdir('/pub'), ['link'], 'nothing created');
        assert.equal(await vol.readFile('/private/f', 'utf8'), 'secret');
      } finally {
        await alice.close();
      }
    });
  });
});
