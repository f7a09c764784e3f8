import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileStore } from './file-store.js';

/** Every fsync/fdatasync the process makes through fs.promises, as [kind, path]. */
function recordSyncs(): { calls: Array<[string, string]>; restore(): void } {
  const calls: Array<[string, string]> = [];
  const open = fs.open;
  fs.open = (async (file: string, ...rest: unknown[]) => {
    const handle = await (open as (...a: unknown[]) => Promise<fs.FileHandle>)(file, ...rest);
    const { sync, datasync } = handle;
    handle.sync = async () => (calls.push(['fsync', String(file)]), sync.call(handle));
    handle.datasync = async () => (calls.push(['fdatasync', String(file)]), datasync.call(handle));
    return handle;
  }) as typeof fs.open;
  return { calls, restore: () => void (fs.open = open) };
}

describe('file store durability', () => {
  let root: string;
  before(() => void (root = path.join(mkdtempSync(path.join(tmpdir(), 'slicefs-sync-')), 'store')));
  after(() => rmSync(path.dirname(root), { recursive: true, force: true }));

  it('sync fsyncs each object, then its directory and (once) the directories above up to the root', async () => {
    const store = new FileStore('file://test', root);
    await store.put('chunks/0/0/1_0_3', Buffer.from('abc'));
    await store.put('chunks/0/0/2_0_3', Buffer.from('def'));
    const rec = recordSyncs();
    try {
      await store.sync(['chunks/0/0/1_0_3', 'chunks/0/0/2_0_3']);
      const files = rec.calls.filter(([k]) => k === 'fdatasync').map(([, p]) => path.relative(root, p));
      assert.deepEqual(files.sort(), ['chunks/0/0/1_0_3', 'chunks/0/0/2_0_3']);
      const dirs = rec.calls.filter(([k]) => k === 'fsync').map(([, p]) => p);
      assert.deepEqual([...dirs].sort(), [path.dirname(root), root, path.join(root, 'chunks'), path.join(root, 'chunks/0'), path.join(root, 'chunks/0/0')].sort());
      // Directories after every file: a name is made durable only once its file's bytes are.
      const lastFile = rec.calls.findLastIndex(([k]) => k === 'fdatasync');
      const firstDir = rec.calls.findIndex(([k]) => k === 'fsync');
      assert.ok(lastFile < firstDir, JSON.stringify(rec.calls));

      rec.calls.length = 0;
      await store.put('chunks/0/0/3_0_3', Buffer.from('ghi'));
      await store.sync(['chunks/0/0/3_0_3']);
      // The leaf directory has a new name each time; the ones above are already durable.
      assert.deepEqual(rec.calls.map(([k, p]) => [k, path.relative(root, p)]), [['fdatasync', 'chunks/0/0/3_0_3'], ['fsync', 'chunks/0/0']]);
    } finally {
      rec.restore();
    }
  });

  it('sync skips objects deleted since their put (their slice was dropped meanwhile)', async () => {
    const store = new FileStore('file://test', root);
    await store.put('chunks/5/5/gone', Buffer.from('x'));
    await store.delete('chunks/5/5/gone');
    await store.sync(['chunks/5/5/gone', 'chunks/9/9/never']);
  });
});
