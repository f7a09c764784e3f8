import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { refreshLiveSettings } from '../src/meta/settings-refresh.js';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { s3TestStore } from '../src/object/testing/test-stores.js';
import { checkVolume, collectGarbage, configureVolume, Volume } from '../src/sdk/index.js';
import { slicefs } from './support/cli.js';
import { withEngineVolume } from './support/engine-volume.js';

const isErr = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

/** Object keys of a file:// store, by slice id. */
function blockLengths(dir: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const m = /^(\d+)_(\d+)_(\d+)$/.exec(e.name);
    if (!e.isFile() || !m) continue;
    out.set(Number(m[1]), [...(out.get(Number(m[1])) ?? []), Number(m[3])]);
  }
  return out;
}

// Engines many processes can share (the CLI runs in its own process).
for (const engine of testEngines().filter((e) => e.name !== 'mem')) {
  describe(`slicefs config [${engine.name}]`, () => {
    it('each setting round-trips through the CLI; with no flags it shows them, secrets redacted', async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl }) => {
        await vol.close();
        const set = slicefs(['config', metaUrl, '--trash-days', '3', '--capacity', '10M', '--inodes', '500', '--json']);
        assert.equal(set.code, 0, set.err);
        assert.deepEqual(JSON.parse(set.out).changed.sort(), ['capacity', 'inodes', 'trashDays']);
        const shown = JSON.parse(slicefs(['config', metaUrl, '--json']).out);
        assert.deepEqual([shown.trashDays, shown.capacity, shown.inodes], [3, 10 * 1024 * 1024, 500]);
        const text = slicefs(['config', metaUrl, '--capacity', '0', '--inodes', '0']);
        assert.equal(text.out, 'capacity: 10.0 MiB -> unlimited\ninodes: 500 -> unlimited\n');
        const bad = slicefs(['config', metaUrl, '--inodes', 'many']);
        assert.equal(bad.err, `slicefs: config: --inodes: Invalid argument ('many' is not a whole number)\n`);
        assert.notEqual(bad.code, 0);
        const secret = slicefs(['config', metaUrl, '--storage', 'file:///tmp/x/', '--json']);
        assert.match(secret.err, /--storage: Invalid argument \(changing the storage needs --yes/);
        const again = await Volume.open(metaUrl);
        try {
          assert.equal(again.settings.trashDays, 3);
          assert.equal(again.settings.capacity, undefined);
        } finally {
          await again.close();
        }
      });
    });

    it('capacity and inode limits answer ENOSPC on every write and create path of the SDK', async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl }) => {
        await vol.writeFile('/a', Buffer.alloc(40_000, 1));
        await configureVolume(metaUrl, { capacity: 100_000 });
        await refreshLiveSettings(vol.meta.engine, vol.meta.settings); // what the heartbeat does
        await assert.rejects(vol.writeFile('/big', Buffer.alloc(70_000, 2)), isErr('ENOSPC'));
        await assert.rejects(vol.truncate('/a', 200_000), isErr('ENOSPC'));
        await vol.writeFile('/small', Buffer.alloc(50_000, 3));
        await assert.rejects(vol.clone('/a', '/a2'), isErr('ENOSPC'), 'a clone counts in full');
        await vol.mkdir('/d');
        for (let i = 0; i < 3; i++) await vol.writeFile(`/d/f${i}`, Buffer.alloc(2000, i));
        await assert.rejects(vol.clone('/d', '/d2'), isErr('ENOSPC'), 'a tree clone past the limit');
        const usage = await vol.meta.usage();
        assert.ok(usage.usedBytes <= 100_000, `usage ${usage.usedBytes} stays within the capacity`);
        assert.equal(await vol.exists('/d2'), false, 'the refused clone left nothing behind');

        await configureVolume(metaUrl, { capacity: 0, inodes: usage.inodes + 2 });
        await refreshLiveSettings(vol.meta.engine, vol.meta.settings);
        await vol.writeFile('/b', 'x');
        await vol.mkdir('/e');
        await assert.rejects(vol.writeFile('/c', 'y'), isErr('ENOSPC'));
        await assert.rejects(vol.mkdir('/f'), isErr('ENOSPC'));
        await assert.rejects(vol.symlink('b', '/g'), isErr('ENOSPC'));
        await vol.writeFile('/b', Buffer.alloc(300_000, 4)); // bytes are unlimited now
        await vol.unlink('/b');
        await vol.writeFile('/c', 'y'); // freed an inode
        const report = await checkVolume(vol);
        assert.deepEqual(report.problems, []);
      });
    });

    it('block size applies to data written after the change; earlier slices keep reading with theirs', async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl, storageDir, another }) => {
        const old = Buffer.alloc(200_000);
        for (let i = 0; i < old.length; i++) old[i] = (i * 7) % 251;
        await vol.writeFile('/old', old);
        const busy = slicefs(['config', metaUrl, '--block-size', '16K', '--yes']);
        assert.match(busy.err, /^slicefs: config: Device or resource busy \(cannot change the block size while 1 session\(s\) are alive: #\d+ sdk pid \d+/);
        await vol.close();
        const c = slicefs(['config', metaUrl, '--block-size', '16K', '--yes']);
        assert.equal(c.code, 0, c.err);
        assert.equal(c.out, 'blockSize: 64.0 KiB -> 16.0 KiB\n');
        const v2 = await another();
        assert.equal(v2.settings.blockSize, 16 * 1024);
        assert.deepEqual(await v2.readFile('/old'), old, 'old slices read with the old block size');
        const fresh = Buffer.alloc(50_000, 9);
        await v2.writeFile('/new', fresh);
        assert.deepEqual(await v2.readFile('/new'), fresh);
        const lengths = blockLengths(storageDir);
        const ids = [...lengths.keys()].sort((a, b) => a - b);
        assert.deepEqual(lengths.get(ids[0]!)!.sort((a, b) => b - a)[0], 64 * 1024, 'the first slice has 64K blocks');
        assert.deepEqual(lengths.get(ids[ids.length - 1]!)!.sort((a, b) => b - a)[0], 16 * 1024, 'the new slice has 16K blocks');
        const fsck = await checkVolume(v2, { checkObjects: true });
        assert.deepEqual(fsck.problems, [], 'every block of every slice is found');
        const gc = await collectGarbage(v2, { thresholdMs: 0 });
        assert.equal(gc.objects.leaked.objects, 0, 'no object looks leaked');
        await v2.unlink('/old');
        await v2.close();
        const v3 = await another();
        await v3.meta.flush();
        const g = await collectGarbage(v3, { delete: true, thresholdMs: 0 });
        assert.equal(g.objects.leaked.objects, 0);
        assert.deepEqual([...blockLengths(storageDir).keys()].includes(ids[0]!), false, "the old slice's 64K blocks were deleted");
      });
    });

    it('a new storage URL is checked before it is saved: unreachable is refused, a moved copy is taken', async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl, storageDir }) => {
        await vol.writeFile('/f', Buffer.alloc(100_000, 5));
        await vol.close();
        const before = JSON.parse(slicefs(['config', metaUrl, '--json']).out).storage;
        const unreachable = slicefs(['config', metaUrl, '--storage', 's3://key:secret@moved-bucket?endpoint=http://127.0.0.1:1', '--yes']);
        assert.notEqual(unreachable.code, 0);
        assert.match(unreachable.err, /^slicefs: config: s3:\/\/key:\*\*\*@moved-bucket\?endpoint=http:\/\/127\.0\.0\.1:1: .*storage is not reachable and writable/);
        assert.doesNotMatch(unreachable.err, /secret/);
        assert.equal(JSON.parse(slicefs(['config', metaUrl, '--json']).out).storage, before, 'nothing saved');
        const moved = `${storageDir}-moved`;
        cpSync(storageDir, moved, { recursive: true });
        const ok = slicefs(['config', metaUrl, '--storage', `file://${moved}/`, '--yes']);
        assert.equal(ok.code, 0, ok.err);
        const v = await Volume.open(metaUrl);
        try {
          assert.equal(v.settings.storage, `file://${moved}/`);
          assert.deepEqual(await v.readFile('/f'), Buffer.alloc(100_000, 5));
        } finally {
          await v.close();
        }
        assert.ok(existsSync(moved));
      });
    });
  });
}

describe('slicefs config output', () => {
  it('never prints a storage secret', async () => {
    const store = s3TestStore();
    const storage = await store.newUrl();
    const engine = testEngines().find((e) => e.name === 'sqlite3')!;
    const metaUrl = await engine.newUrl();
    try {
      await Volume.format(metaUrl, 'secretvol', { storage });
      const secret = new URL(storage).password;
      assert.ok(secret);
      for (const args of [[], ['--json'], ['--trash-days', '1'], ['--trash-days', '2', '--json']]) {
        const r = slicefs(['config', metaUrl, ...args]);
        assert.equal(r.code, 0, r.err);
        assert.doesNotMatch(r.out, new RegExp(`:${secret}@`), `config ${args.join(' ')}`);
      }
      assert.match(slicefs(['config', metaUrl]).out, /storage: +s3:\/\/S3RVER:\*\*\*@/);
    } finally {
      await engine.cleanup(metaUrl);
      await store.cleanup(storage);
    }
  });
});
