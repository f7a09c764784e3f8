import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slicefs } from './support/cli.js';
import { tempVolume } from './support/temp-volume.js';

describe('slicefs quota (the built binary)', () => {
  it('sets, shows, lists, checks and deletes a directory quota; one-line errors', async () => {
    const t = await tempVolume();
    try {
      const vol = await t.open();
      await vol.mkdir('/projects/a', { recursive: true });
      await vol.writeFile('/projects/a/f', Buffer.alloc(3000, 1));
      await vol.close();

      const set = slicefs(['quota', 'set', t.metaUrl, '--path', '/projects/a', '--capacity', '10K', '--inodes', '5']);
      assert.equal(set.code, 0, set.err);
      assert.equal(set.out, '/projects/a: 2.93 KiB of 10.0 KiB, 1 of 5 inodes\n');
      const got = JSON.parse(slicefs(['quota', 'get', t.metaUrl, '--path', '/projects/a', '--json']).out);
      assert.deepEqual({ ...got, ino: 0 }, { path: '/projects/a', ino: 0, capacity: 10240, inodes: 5, usedBytes: 3000, usedInodes: 1 });
      const check = slicefs(['quota', 'check', t.metaUrl]);
      assert.deepEqual([check.code, check.out], [0, 'quota usage is exact\n']);
      const list = JSON.parse(slicefs(['quota', 'list', t.metaUrl, '--json']).out);
      assert.deepEqual(list.map((q: { path: string }) => q.path), ['/projects/a']);

      assert.equal(slicefs(['quota', 'delete', t.metaUrl, '--path', '/projects/a']).code, 0);
      const gone = slicefs(['quota', 'get', t.metaUrl, '--path', '/projects/a']);
      assert.equal(gone.code, 1);
      assert.equal(gone.err, 'slicefs: quota: /projects/a: No data available (no quota on this directory)\n');
      const bad = slicefs(['quota', 'frob', t.metaUrl]);
      assert.equal(bad.code, 2);
      assert.equal(bad.err, "slicefs: quota: ACTION: 'frob' is not one of set, get, list, delete, check\n");
    } finally {
      t.remove();
    }
  });
});
