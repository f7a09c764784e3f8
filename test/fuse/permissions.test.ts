import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTempVolume, MountedVolume, run, sh } from './support/mounted-volume.js';

// Permission checks run twice: by the kernel (default_permissions) and by the vfs with the
// caller from the request header and /proc/<pid>/status groups. These tests act as `nobody`.
describe('slicefs mount: permissions and ownership for a non-root user', () => {
  const volume = formatTempVolume();
  let m: MountedVolume;
  let mnt: string;
  before(async () => {
    m = await MountedVolume.start(volume.metaUrl);
    mnt = m.mnt;
    run(`mkdir -m 1777 ${mnt}/pub && printf root > ${mnt}/pub/rootfile && chmod 644 ${mnt}/pub/rootfile`);
  });
  after(async () => {
    await m?.stop();
    volume.remove();
  });

  it('nobody creates files it owns, with the umask applied, and may chmod only its own', () => {
    run(`umask 077; printf mine > ${mnt}/pub/mine`, { user: 'nobody' });
    assert.equal(run(`stat -c '%U:%G %a' ${mnt}/pub/mine`), 'nobody:nogroup 600\n');
    run(`chmod 640 ${mnt}/pub/mine`, { user: 'nobody' });
    assert.equal(run(`stat -c %a ${mnt}/pub/mine`), '640\n');
    assert.match(sh(`chmod 666 ${mnt}/pub/rootfile`, { user: 'nobody' }).err, /Operation not permitted/);
    assert.equal(run(`stat -c %a ${mnt}/pub/rootfile`), '644\n');
  });

  it("nobody cannot write root's 0644 file, nor remove it from a sticky directory", () => {
    assert.match(sh(`echo x >> ${mnt}/pub/rootfile`, { user: 'nobody' }).err, /Permission denied/);
    assert.equal(run(`cat ${mnt}/pub/rootfile`, { user: 'nobody' }), 'root');
    assert.match(sh(`rm -f ${mnt}/pub/rootfile`, { user: 'nobody' }).err, /Operation not permitted/);
    assert.match(sh(`touch ${mnt}/newfile`, { user: 'nobody' }).err, /Permission denied/);
  });

  it('only root changes owners; a group member may chgrp its own file to that group', () => {
    assert.match(sh(`chown nobody ${mnt}/pub/rootfile`, { user: 'nobody' }).err, /Operation not permitted/);
    run(`chown nobody:nogroup ${mnt}/pub/rootfile`);
    assert.equal(run(`stat -c '%U:%G' ${mnt}/pub/rootfile`), 'nobody:nogroup\n');
    run(`chgrp 4242 ${mnt}/pub/mine`, { user: 'nobody', groups: '4242' });
    assert.equal(run(`stat -c %g ${mnt}/pub/mine`), '4242\n');
    assert.match(sh(`chgrp 4343 ${mnt}/pub/mine`, { user: 'nobody', groups: '4242' }).err, /Operation not permitted/);
  });

  it('supplementary groups (read from /proc) grant group access', () => {
    run(`mkdir -m 770 ${mnt}/team && chgrp 4242 ${mnt}/team && printf secret > ${mnt}/team/doc && chgrp 4242 ${mnt}/team/doc && chmod 660 ${mnt}/team/doc`);
    assert.match(sh(`cat ${mnt}/team/doc`, { user: 'nobody' }).err, /Permission denied/);
    assert.equal(run(`cat ${mnt}/team/doc`, { user: 'nobody', groups: '4242' }), 'secret');
    run(`printf more >> ${mnt}/team/doc && printf new > ${mnt}/team/made`, { user: 'nobody', groups: '4242' });
    assert.equal(run(`cat ${mnt}/team/doc ${mnt}/team/made`), 'secretmorenew');
    assert.equal(run(`stat -c '%U' ${mnt}/team/made`), 'nobody\n');
  });

  it('utimes: nobody may touch (now) a file it can write, but not set explicit times on one it does not own', () => {
    run(`printf x > ${mnt}/pub/shared && chmod 666 ${mnt}/pub/shared && touch -d 2001-01-01 ${mnt}/pub/shared`);
    run(`touch ${mnt}/pub/shared`, { user: 'nobody' });
    assert.notEqual(run(`stat -c %Y ${mnt}/pub/shared`), `${Date.UTC(2001, 0, 1) / 1000}\n`);
    assert.match(sh(`touch -d 2002-02-02 ${mnt}/pub/shared`, { user: 'nobody' }).err, /Operation not permitted/);
    run(`touch -d '2003-03-03 00:00:00.123456789 UTC' ${mnt}/pub/shared`);
    assert.equal(run(`stat -c %y ${mnt}/pub/shared`), '2003-03-03 00:00:00.123456789 +0000\n');
  });
});
