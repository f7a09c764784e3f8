import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setQuota, Volume } from '../../src/sdk/index.js';
import { formatTempVolume, MountedVolume, run, sh } from './support/mounted-volume.js';

describe('slicefs mount: directory quotas', () => {
  const volume = formatTempVolume();
  let whole: MountedVolume;
  let sub: MountedVolume;
  before(async () => {
    const vol = await Volume.open(volume.metaUrl);
    await vol.mkdir('/q');
    await vol.writeFile('/q/kept', 'kept');
    await setQuota(vol, '/q', { capacity: 1024 * 1024, inodes: 10 });
    await vol.close();
    whole = await MountedVolume.start(volume.metaUrl);
    sub = await MountedVolume.start(volume.metaUrl, { args: ['--subdir', '/q'] });
  });
  after(async () => {
    await whole?.stop();
    await sub?.stop();
    volume.remove();
  });

  it('dd and cp into a directory past its quota fail with "Disk quota exceeded"', () => {
    const dd = sh(`dd if=/dev/zero of=${whole.mnt}/q/big bs=64K count=32`);
    assert.notEqual(dd.code, 0);
    assert.match(dd.err, /Disk quota exceeded/);
    const source = path.join(volume.dir, 'two-mib');
    writeFileSync(source, Buffer.alloc(2 * 1024 * 1024, 7));
    const cp = sh(`cp ${source} ${whole.mnt}/q/copy`);
    assert.notEqual(cp.code, 0);
    assert.match(cp.err, /Disk quota exceeded/);
    run(`cp ${source} ${whole.mnt}/outside`); // no quota there
    assert.equal(sh(`touch ${whole.mnt}/q/f1 ${whole.mnt}/q/f2`).code, 0);
  });

  it('a --subdir mount serves the directory, and df shows its quota as the size', () => {
    assert.equal(run(`cat ${sub.mnt}/kept`), 'kept');
    assert.equal(sh(`test -e ${sub.mnt}/outside`).code, 1, 'nothing outside the directory');
    assert.equal(run(`df -B1 --output=size,itotal ${sub.mnt} | tail -1`).trim().split(/\s+/).join(' '), `${1024 * 1024} 10`);
    run(`mkdir ${sub.mnt}/d && mv ${sub.mnt}/kept ${sub.mnt}/d/ && cat ${sub.mnt}/d/kept && mv ${sub.mnt}/d/kept ${sub.mnt}/`);
    assert.equal(run(`ls ${whole.mnt}/q/d`), '', 'the same volume through both mounts');
  });
});
