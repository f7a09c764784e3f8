import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { n, root, withMeta } from '../testing/harness.js';
import { testEngines } from '../testing/test-engines.js';
import { type Ino, ROOT_INO } from '../types.js';
import { summarize, walkSummary } from './tree-usage.js';

for (const engine of testEngines()) {
  describe(`summary [${engine.name}]`, () => {
    it('the set-based summary equals the walk: nested directories, files of many lengths, symlinks, special files, hard links once per name, a missing inode nowhere', async () => {
      await withMeta(engine, async (m) => {
        const top = await m.mkdir(root, ROOT_INO, n('top'), 0o755);
        let expected = { size: 0, files: 0, dirs: 1 };
        const dirs: Ino[] = [top.ino];
        for (let d = 0; d < 12; d++) {
          const parent = dirs[d % dirs.length]!;
          const dir = await m.mkdir(root, parent, n(`d${d}`), 0o755);
          dirs.push(dir.ino);
          expected.dirs++;
          for (let f = 0; f < d % 4; f++) {
            const file = await m.create(root, dir.ino, n(`f${f}`), 0o644);
            await m.truncate(root, file.ino, 1000 * d + f);
            expected = { ...expected, size: expected.size + 1000 * d + f, files: expected.files + 1 };
          }
        }
        const linked = await m.create(root, dirs[3]!, n('linked'), 0o644);
        await m.truncate(root, linked.ino, 777);
        await m.link(root, linked.ino, dirs[5]!, n('link2'));
        await m.symlink(root, dirs[2]!, n('sym'), n('/somewhere/else'));
        await m.mknod(root, dirs[4]!, n('fifo'), { type: 'fifo', mode: 0o644, rdev: 0 });
        expected = { ...expected, size: expected.size + 2 * 777, files: expected.files + 4 };
        // An entry whose inode is gone (what fsck would report): counted nowhere, as the walk does.
        const lost = await m.mkdir(root, dirs[6]!, n('lost'), 0o755);
        await m.create(root, lost.ino, n('inside'), 0o644);
        await m.engine.txn((tx) => tx.deleteInode(lost.ino));
        const topAttr = await m.getattr(top.ino);
        const walked = await walkSummary(m.engine, topAttr);
        assert.deepEqual(walked, expected);
        assert.deepEqual(await summarize(m.engine, topAttr), walked);
        assert.deepEqual(await summarize(m.engine, await m.getattr(linked.ino)), { size: 777, files: 1, dirs: 0 }, 'a file');
        const empty = await m.mkdir(root, ROOT_INO, n('empty'), 0o755);
        assert.deepEqual(await summarize(m.engine, empty), { size: 0, files: 0, dirs: 1 }, 'an empty directory');
        assert.deepEqual(await summarize(m.engine, await m.getattr(ROOT_INO)), { ...walked, dirs: walked.dirs + 2 }, 'the root');
      });
    });
  });
}
