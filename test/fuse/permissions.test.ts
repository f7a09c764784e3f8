import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

// The mount negotiates FUSE_HANDLE_KILLPRIV_V2 (so a write needs no getxattr of
// security.capability per write(2)): clearing setuid/setgid and capabilities on an
// unprivileged write, truncate or O_TRUNC open is then the mount's job, not the kernel's.
// Each case runs on the mount and on a local directory; the results must match.
describe('slicefs mount: a write by a non-root user clears setuid, setgid and capabilities as on a local disk', () => {
  const volume = formatTempVolume();
  let m: MountedVolume;
  let local: string;
  before(async () => {
    m = await MountedVolume.start(volume.metaUrl);
    local = mkdtempSync(path.join(tmpdir(), 'slicefs-killpriv-'));
    run(`chmod 777 ${local}`);
  });
  after(async () => {
    await m?.stop();
    volume.remove();
    rmSync(local, { recursive: true, force: true });
  });

  const cases: { name: string; mode: string; act: string; capability?: boolean }[] = [
    { name: 'append to a 6777 file', mode: '6777', act: 'echo more >> F' },
    { name: 'append to a 2767 file (setgid without group execute stays)', mode: '2767', act: 'echo more >> F' },
    { name: 'truncate(1) of a 4777 file', mode: '4777', act: 'truncate -s 1 F' },
    { name: 'O_TRUNC open of a 6777 file', mode: '6777', act: ': > F' },
    { name: 'a second write after root set setuid again', mode: '0777', act: 'echo a >> F; ROOT chmod 4777 F; echo b >> F' },
    { name: 'append to a 0777 file with a capability', mode: '0777', act: 'echo more >> F', capability: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const outcome = (dir: string) => {
        const f = `${dir}/${c.name.replace(/[^a-z0-9]+/gi, '-')}`;
        run(`echo data > ${f} && chmod ${c.mode} ${f}${c.capability ? ` && setcap cap_net_raw+ep ${f}` : ''}`);
        // Steps are separated by '; '; a step starting with ROOT runs as root, the others as nobody.
        for (const step of c.act.replaceAll('F', f).split('; ')) {
          if (step.startsWith('ROOT ')) run(step.slice(5));
          else run(step, { user: 'nobody' });
        }
        const cap = sh(`getfattr --absolute-names -n security.capability ${f}`).out.includes('security.capability');
        return `${run(`stat -c '%a %s' ${f}`).trim()} capability=${cap}`;
      };
      assert.equal(outcome(m.mnt), outcome(local));
    });
  }
});
