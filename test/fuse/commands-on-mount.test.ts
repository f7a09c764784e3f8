import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkVolume, Volume } from '../../src/sdk/index.js';
import { slicefs } from '../support/cli.js';
import { formatTempVolume, MountedVolume, run, sh } from './support/mounted-volume.js';

describe('config limits and rmr on a mount', () => {
  let tv: ReturnType<typeof formatTempVolume>;
  let m: MountedVolume;
  before(async () => {
    tv = formatTempVolume();
    const c = slicefs(['config', tv.metaUrl, '--capacity', '4M', '--inodes', '60']);
    assert.equal(c.code, 0, c.err);
    m = await MountedVolume.start(tv.metaUrl);
  });
  after(async () => {
    await m?.stop();
    tv?.remove();
  });

  it('df shows the capacity; dd past it fails with "No space left on device"', () => {
    assert.equal(run(`df -B1 --output=size ${m.mnt} | tail -1`).trim(), String(4 * 1024 * 1024));
    run(`dd if=/dev/zero of=${m.mnt}/fits bs=1M count=2 status=none`);
    const r = sh(`dd if=/dev/zero of=${m.mnt}/too-big bs=1M count=8 conv=fsync status=none`);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /No space left on device/);
    assert.equal(Number(run(`stat -c %s ${m.mnt}/fits`)), 2 * 1024 * 1024, 'what fit is intact');
    run(`rm -f ${m.mnt}/too-big`);
  });

  it('creating past the inode limit fails with "No space left on device"', () => {
    const r = sh(`mkdir ${m.mnt}/many && for i in $(seq 1 100); do touch ${m.mnt}/many/f$i || exit 1; done`);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /No space left on device/);
    run(`rm -rf ${m.mnt}/many`);
  });

  it('slicefs rmr on mount paths removes the tree through .control', async () => {
    run(`mkdir -p ${m.mnt}/t/a/b ${m.mnt}/t/c && for i in 1 2 3 4 5; do echo $i > ${m.mnt}/t/a/b/f$i; echo $i > ${m.mnt}/t/c/g$i; done`);
    const r = slicefs(['rmr', `${m.mnt}/t`, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).entries, 14);
    assert.equal(sh(`ls ${m.mnt}/t`).code, 2, 'gone on the mount');
    assert.doesNotMatch(run(`ls -a ${m.mnt}`), /\bt\b/);
    const missing = slicefs(['rmr', `${m.mnt}/nothing`]);
    assert.match(missing.err, /^slicefs: rmr: .*\/nothing: No such file or directory/);
    const off = slicefs(['rmr', '/tmp']);
    assert.match(off.err, /^slicefs: rmr: \/tmp: Invalid argument \(not on a mounted slicefs volume; pass --meta META_URL\)/);
    const root = slicefs(['rmr', m.mnt]);
    assert.match(root.err, /Device or resource busy/);
    const vol = await Volume.open(tv.metaUrl);
    try {
      assert.deepEqual((await checkVolume(vol)).problems, []);
    } finally {
      await vol.close();
    }
  });
});
