import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fsck } from '../fsck/fsck.js';
import { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE } from '../ops/fallocate.js';
import { CHUNK_SIZE, ROOT_INO, type SliceId } from '../types.js';
import { n, root, withMeta } from './harness.js';
import type { TestEngine } from './test-engines.js';

const PUNCH = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;

/** fallocate ranges at and past the end of a file, and fsck's check of the records they leave. */
export function fallocateSuite(engine: TestEngine): void {
  describe(`meta fallocate past EOF [${engine.name}]`, () => {
    it('punch hole and zero range starting past EOF succeed as on Linux and write no record', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const s = await m.newSliceId();
        await m.commitSlices(f.ino, [{ index: 0, record: { pos: 0, id: s, size: 2, off: 0, len: 2 } }]);
        const before = await m.readChunk(f.ino, 0);
        assert.equal((await m.fallocate(f.ino, { mode: PUNCH, offset: 80_000, length: 1000 })).length, 2);
        assert.equal((await m.fallocate(f.ino, { mode: PUNCH, offset: 2, length: 1 })).length, 2, 'a hole starting at EOF');
        assert.equal((await m.fallocate(f.ino, { mode: FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset: 80_000, length: 1000 })).length, 2);
        assert.equal((await m.fallocate(f.ino, { mode: PUNCH, offset: CHUNK_SIZE + 5, length: 10 })).length, 2, 'in a later chunk');
        assert.deepEqual(await m.readChunk(f.ino, 0), before);
        assert.equal((await m.fallocate(f.ino, { mode: FALLOC_FL_ZERO_RANGE, offset: 80_000, length: 1000 })).length, 81_000);
        assert.equal((await m.fallocate(f.ino, { mode: PUNCH, offset: 1, length: 100_000 })).length, 81_000, 'a hole ending past EOF');
        for (const r of await m.readChunk(f.ino, 0)) assert.ok(r.len > 0 && r.pos + r.len <= 81_000, `record ${JSON.stringify(r)}`);
        assert.deepEqual((await fsck(m.engine)).problems, []);
      });
    });

    it('fsck reports malformed chunk records (zero length, outside the chunk, outside the slice)', async () => {
      await withMeta(engine, async (m) => {
        const f = await m.mknod(root, ROOT_INO, n('f'), { type: 'file', mode: 0o644 });
        const s = await m.newSliceId();
        await m.commitSlices(f.ino, [{ index: 0, record: { pos: 0, id: s, size: 100, off: 0, len: 100 } }]);
        assert.deepEqual((await fsck(m.engine)).problems, []);
        await m.engine.txn((tx) =>
          tx.appendChunk(f.ino, 0, [
            { pos: 10, id: 0 as SliceId, size: 0, off: 0, len: 0 },
            { pos: CHUNK_SIZE - 5, id: 0 as SliceId, size: 0, off: 0, len: 10 },
            { pos: 0, id: s, size: 100, off: 50, len: 60 },
          ]),
        );
        const found = (await fsck(m.engine)).problems.filter((p) => p.kind === 'chunk-malformed');
        assert.equal(found.length, 3, JSON.stringify(found));
        assert.match(found[0]!.detail, /length 0 is not positive/);
        assert.match(found[1]!.detail, /outside the chunk/);
        assert.match(found[2]!.detail, /outside its slice/);
        assert.ok(found.every((p) => !p.repaired && p.detail.includes(`inode ${f.ino} chunk 0`)));
      });
    });
  });
}
