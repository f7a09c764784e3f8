import assert from 'node:assert/strict';
import type { Ino } from '../../../src/meta/types.js';
import type { VolumeFileHandle } from '../../../src/sdk/index.js';
import { countObjects } from '../../support/tree.js';
import { randomBytes, seededRandom } from '../../support/random.js';
import { assertFsckClean, eventually, outcome } from '../checks.js';
import { sha256 } from '../patterns.js';
import { scaled } from '../scale.js';
import { defineScenario, type WorkerSide } from '../scenario.js';

const PATH = '/u/big';

const actions = {
  /** Opens the file and reads its first `first` bytes; the handle stays open for `readRest`. */
  async openAndRead(w: WorkerSide, args: { first: number }) {
    const h = await w.volume().open(PATH, 'r');
    const { buffer, bytesRead } = await h.read(Buffer.alloc(args.first), 0, args.first, null);
    w.state.set('reader', { h, parts: [buffer.subarray(0, bytesRead)] });
    return { ino: (await h.stat()).ino };
  },

  /** Streams the rest of the file through the open handle, `piece` bytes at a time, until EOF or an error. */
  async readRest(w: WorkerSide, args: { piece: number }) {
    const { h, parts } = w.state.get('reader') as { h: VolumeFileHandle; parts: Buffer[] };
    let error: string | undefined;
    for (;;) {
      try {
        const { buffer, bytesRead } = await h.read(Buffer.alloc(args.piece), 0, args.piece, null);
        if (bytesRead === 0) break;
        parts.push(buffer.subarray(0, bytesRead));
      } catch (err) {
        error = (err as Error).message;
        break;
      }
    }
    const all = Buffer.concat(parts);
    let zeroBlocks = 0;
    for (let at = 0; at + 65536 <= all.length; at += 65536) if (all.subarray(at, at + 65536).every((b) => b === 0)) zeroBlocks++;
    return { bytesRead: all.length, sha: sha256(all), error, zeroBlocks };
  },

  async closeReader(w: WorkerSide) {
    const { h } = w.state.get('reader') as { h: VolumeFileHandle };
    w.state.delete('reader');
    await h.close();
  },

  async unlink(w: WorkerSide) {
    await w.volume().unlink(PATH);
  },
};

export const unlinkWhileReading = defineScenario({
  name: 'unlink-read',
  title: 'unlink while another process reads: the reader gets every byte (sustained inode), then inode and objects go',
  clients: 2,
  actions,
  async run({ vol, storageDir, clients: [reader, unlinker], scale }) {
    await vol.mkdir('/u');
    const before = await vol.statfs();
    const objectsBefore = countObjects(storageDir);
    const data = randomBytes(seededRandom(5), scaled(2 * 1024 * 1024, scale));
    await vol.writeFile(PATH, data);
    assert.ok(countObjects(storageDir) > objectsBefore);

    const { ino } = await reader!.run('openAndRead', { first: 65536 });
    await unlinker!.run('unlink');
    assert.equal(await vol.exists(PATH), false, 'the name is gone at once');
    // DESIGN §2: the unlinked inode stays while a handle is open, whichever client holds it.
    const whileOpen = await outcome(vol.meta.getattr(ino as Ino));
    const read = await reader!.run('readRest', { piece: 100_000 });
    await reader!.run('closeReader');

    await eventually(async () => {
      await vol.settle();
      assert.equal(await outcome(vol.meta.getattr(ino as Ino)), 'ENOENT', 'after the last close the inode is gone');
    });
    await vol.settle();
    assert.equal(countObjects(storageDir), objectsBefore, 'after draining the deletion queue its objects are gone');
    assert.deepEqual(await vol.statfs(), before, 'counters back to before the file');
    await assertFsckClean(vol, 'after the reader closed');

    // Last, so that the cleanup above is checked either way: what the reader saw.
    assert.deepEqual(
      { inodeWhileOpen: whileOpen, ...read, error: read.error ?? null },
      { inodeWhileOpen: 'ok', bytesRead: data.length, sha: sha256(data), error: null, zeroBlocks: 0 },
      "DESIGN §2: an unlinked file stays until the last handle closes, also when another client unlinks it: the reader's stream completes with the file's bytes",
    );
  },
});
