import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countObjects } from '../support/tree.js';
import { formatTempVolume, MountedVolume, run } from './support/mounted-volume.js';

const BIN = path.resolve('bin/slicefs.js');

// Small files written through a mount keep their bytes in the engine (inline data, default
// 4 KiB): no object is put, and they read back, copy and check like any other file.
describe('slicefs mount: small files are inline data', () => {
  const volume = formatTempVolume();
  let m: MountedVolume;
  before(async () => void (m = await MountedVolume.start(volume.metaUrl)));
  after(async () => {
    await m?.stop();
    volume.remove();
  });

  it('echo, cp, mv and a 4 KiB dd put no object; a larger file does; all read back and fsck is clean', () => {
    const objects = path.join(volume.dir, 'objects');
    run(`cd ${m.mnt} && mkdir d && for i in $(seq 30); do echo "hello $i" > d/f$i; done`);
    run(`cp ${m.mnt}/d/f1 ${m.mnt}/d/copy && mv ${m.mnt}/d/f2 ${m.mnt}/d/moved && dd if=/dev/urandom of=${m.mnt}/page bs=4096 count=1 status=none`);
    assert.equal(countObjects(objects), 0);
    assert.equal(run(`cat ${m.mnt}/d/f30 ${m.mnt}/d/copy ${m.mnt}/d/moved`), 'hello 30\nhello 1\nhello 2\n');
    run(`dd if=/dev/urandom of=${m.mnt}/larger bs=4097 count=1 status=none`);
    assert.equal(countObjects(objects), 1);
    assert.equal(run(`stat -c %s ${m.mnt}/page ${m.mnt}/larger`), '4096\n4097\n');
    assert.equal(run(`cat ${m.mnt}/d/* | wc -l`).trim(), '31');
    assert.match(run(`${process.execPath} ${BIN} fsck ${volume.metaUrl} --check-objects`), /: no problems\n$/);
  });
});
