import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sliceBlockKeys } from '../src/chunk/block-key.js';
import { FuseServer } from '../src/fuse/server.js';
import type { Ino } from '../src/meta/types.js';
import type { Volume } from '../src/sdk/index.js';
import { recordDurability } from './support/durability-recorder.js';
import { tempVolume } from './support/temp-volume.js';

const MiB = 1024 * 1024;

/** The object keys of every slice record of a file's first chunk. */
async function objectKeysOf(volume: Volume, ino: Ino): Promise<string[]> {
  const records = await volume.meta.readChunk(ino, 0);
  return records.filter((r) => r.id !== 0).flatMap((r) => sliceBlockKeys(r.id, r.size, volume.settings.blockSize));
}

/**
 * DESIGN §4: every object a durable commit references is fdatasynced, and its directory fsynced,
 * before the metadata commit that references it runs with synchronous=FULL.
 */
function assertDurableOrder(events: string[], keys: string[]): void {
  const full = events.indexOf('COMMIT FULL');
  assert.ok(full >= 0, `a durable commit: ${events.join(', ')}`);
  assert.ok(keys.length > 0);
  for (const key of keys) {
    const at = events.indexOf(`fdatasync ${key}`);
    assert.ok(at >= 0 && at < full, `${key} fdatasynced before the durable commit: ${events.join(', ')}`);
    const dir = events.findIndex((e, i) => i > at && e === `fsync ${path.dirname(key)}`);
    assert.ok(dir >= 0 && dir < full, `${path.dirname(key)} fsynced after ${key} and before the durable commit: ${events.join(', ')}`);
  }
}

const run = (cmd: string, args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });

describe('durability: fsync orders object syncs before a synchronous metadata commit (SQLite + file://)', () => {
  it('handle.sync(): objects and their directory are synced before the FULL commit; plain writes sync nothing', async () => {
    const tv = await tempVolume({ blockSize: MiB });
    const vol = await tv.open();
    const rec = recordDurability(vol, tv.storageDir);
    try {
      const h = await vol.open('/f', 'w');
      await h.write(Buffer.alloc(3 * MiB + 100, 7));
      await vol.open('/other', 'w').then(async (o) => (await o.write('no fsync here'), o.close()));
      assert.deepEqual(rec.events.filter((e) => !e.startsWith('COMMIT NORMAL')), [], 'writes and close without fsync sync nothing');
      rec.events.length = 0;
      await h.sync();
      const ino = (await h.stat()).ino as Ino;
      assertDurableOrder(rec.events, await objectKeysOf(vol, ino));
      assert.equal(rec.events.filter((e) => e === 'COMMIT FULL').length, 1);
      await h.close();
    } finally {
      rec.stop();
      await vol.close();
      tv.remove();
    }
  });

  it('sync() after a close without fsync, through a read-only handle, syncs what that commit left unsynced', async () => {
    const tv = await tempVolume({ blockSize: MiB });
    const vol = await tv.open();
    const rec = recordDurability(vol, tv.storageDir);
    try {
      await vol.writeFile('/g', Buffer.alloc(2 * MiB + 5, 3));
      assert.equal(rec.events.filter((e) => e.startsWith('fdatasync') || e === 'COMMIT FULL').length, 0);
      const r = await vol.open('/g', 'r');
      rec.events.length = 0;
      await r.datasync();
      assertDurableOrder(rec.events, await objectKeysOf(vol, (await r.stat()).ino as Ino));
      rec.events.length = 0;
      await r.sync();
      assert.deepEqual(rec.events, ['COMMIT FULL'], 'nothing left to sync: only the durable commit');
      await r.close();
    } finally {
      rec.stop();
      await vol.close();
      tv.remove();
    }
  });

  it('fsync on a read-only volume succeeds (nothing of this client can be lost)', async () => {
    const tv = await tempVolume({ blockSize: MiB });
    try {
      const vol = await tv.open();
      await vol.writeFile('/r', 'kept');
      await vol.close();
      const ro = await tv.open({ readOnly: true });
      try {
        const h = await ro.open('/r', 'r');
        await h.sync();
        await h.close();
      } finally {
        await ro.close();
      }
    } finally {
      tv.remove();
    }
  });

  it('FUSE fsync (dd conv=fsync) and fsync of a directory', async () => {
    const tv = await tempVolume({ blockSize: MiB });
    const vol = await tv.open();
    const mnt = mkdtempSync(path.join(tmpdir(), 'slicefs-durable-'));
    const rec = recordDurability(vol, tv.storageDir);
    let server: FuseServer | undefined;
    try {
      server = await FuseServer.mount(vol.vfs, { mountpoint: mnt, source: 'slicefs:durability' });
      await run('dd', ['if=/dev/zero', `of=${mnt}/big`, 'bs=1M', 'count=3', 'conv=fsync']);
      const attr = await vol.stat('/big');
      assertDurableOrder(rec.events, await objectKeysOf(vol, attr.ino as Ino));

      await run('mkdir', [`${mnt}/d`]);
      rec.events.length = 0;
      await run('python3', ['-c', `import os; fd = os.open(${JSON.stringify(`${mnt}/d`)}, os.O_RDONLY); os.fsync(fd)`]);
      assert.ok(rec.events.includes('COMMIT FULL'), `fsync of a directory is a durable commit: ${rec.events.join(', ')}`);
    } finally {
      rec.stop();
      if (server) {
        await server.unmount().catch(() => server!.unmount({ lazy: true }));
        await server.finished.catch(() => undefined);
      }
      await vol.close();
      rmdirSync(mnt);
      tv.remove();
    }
  });
});
