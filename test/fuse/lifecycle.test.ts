import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { until } from '../../src/meta/testing/harness.js';
import { formatTempVolume, MountedVolume, run, sh } from './support/mounted-volume.js';

const BIN = path.resolve('bin/slicefs.js');
const slicefs = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
const mounted = (mnt: string) => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${mnt} `);
/** Running (a zombie waiting for init to reap it counts as gone). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('slicefs mount/umount: the command line and the mount lifecycle', () => {
  const volume = formatTempVolume();
  const mnt = path.join(volume.dir, 'mnt');
  mkdirSync(mnt);
  const pids: number[] = [];
  after(() => {
    if (mounted(mnt)) spawnSync('umount', ['-l', mnt]);
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    volume.remove();
  });

  it('--background returns once the mount is live and says where it logs; umount ends the daemon', async () => {
    const log = path.join(volume.dir, 'mount.log');
    const r = slicefs(['mount', volume.metaUrl, mnt, '--background', '--log', log]);
    assert.equal(r.code, 0, r.err);
    const pid = Number(/\(pid (\d+)\)/.exec(r.out)?.[1]);
    pids.push(pid);
    assert.match(r.out, new RegExp(`logs: ${log}`));
    assert.ok(mounted(mnt));
    run(`printf persisted > ${mnt}/kept`);
    assert.match(run(`mount | grep ${mnt}`), /^slicefs:fusetest on .* type fuse\.slicefs /);
    const u = slicefs(['umount', mnt]);
    assert.equal(u.code, 0, u.err);
    assert.ok(!mounted(mnt));
    await until('the daemon to exit', () => !alive(pid));
    assert.match(readFileSync(log, 'utf8'), /mounted volume fusetest[\s\S]*unmounted/);
    assert.notEqual(slicefs(['umount', mnt]).code, 0, 'nothing mounted there any more');
  });

  it('a crashed mount (ENOTCONN) refuses a new mount naming the fix, is cleaned by a plain umount and mounts again with its data', async () => {
    const r = slicefs(['mount', volume.metaUrl, mnt, '--background', '--log', path.join(volume.dir, 'crash.log')]);
    assert.equal(r.code, 0, r.err);
    const pid = Number(/\(pid (\d+)\)/.exec(r.out)?.[1]);
    pids.push(pid);
    process.kill(pid, 'SIGKILL');
    await until('the daemon to die', () => !alive(pid));
    // ENOTCONN; ECONNABORTED when the call met the connection while the kernel was aborting it.
    assert.match(sh(`ls ${mnt}`).err, /Transport endpoint is not connected|Software caused connection abort/);
    const again = slicefs(['mount', volume.metaUrl, mnt, '--background', '--log', path.join(volume.dir, 'crash.log')]);
    assert.equal(again.code, 1);
    assert.equal(again.err, `slicefs: mount: ${mnt}: Device or resource busy (a dead mount is here; clean it with: slicefs umount ${mnt})\n`);
    const u = slicefs(['umount', mnt]);
    assert.equal(u.code, 0, u.err);
    assert.ok(!mounted(mnt));
    const m = await MountedVolume.start(volume.metaUrl, { mnt });
    try {
      assert.equal(run(`cat ${mnt}/kept`), 'persisted');
    } finally {
      await m.stop();
    }
  });

  it('SIGTERM commits what open files have buffered, detaches a busy mount, and serves it until the last file closes', async () => {
    const m = await MountedVolume.start(volume.metaUrl, { mnt });
    // A writer that keeps its file open: its bytes sit in the mount's write buffer.
    const writer = spawn('sh', ['-c', `exec 3>${mnt}/open-file; printf buffered >&3; echo ready; exec sleep 30`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => writer.stdout.once('data', resolve));
    process.kill(m.pid, 'SIGTERM');
    await until('the lazy unmount', () => !mounted(mnt));
    assert.ok(alive(m.pid), 'still serving the open file');
    const other = await MountedVolume.start(volume.metaUrl);
    try {
      assert.equal(run(`cat ${other.mnt}/open-file`), 'buffered', 'committed at SIGTERM, before the file closed');
    } finally {
      await other.stop();
    }
    writer.kill('SIGKILL');
    assert.equal(await m.waitExit(), 0);
    assert.match(m.log, /SIGTERM: committing open files[\s\S]*busy: detaching it now/);
  });

  it('serves the same with busy polling off (SLICEFS_BUSY_POLL_US=0) and with a long window; refuses a bad window', async () => {
    // A 5 ms window: nearly every request of a sequential shell loop is taken by polling.
    for (const [window, name] of [['0', 'off'], ['5000', 'long']] as const) {
      const m = await MountedVolume.start(volume.metaUrl, { mnt, env: { SLICEFS_BUSY_POLL_US: window } });
      try {
        run(`mkdir ${mnt}/poll-${name} && cd ${mnt}/poll-${name} && for i in $(seq 200); do echo "line $i" > f$i; done`);
        assert.equal(run(`cat ${mnt}/poll-${name}/f200`), 'line 200\n');
        assert.equal(run(`ls ${mnt}/poll-${name} | wc -l`), '200\n');
        run(`dd if=/dev/urandom of=${mnt}/poll-${name}/big bs=1M count=8 status=none`);
        assert.equal(run(`cat ${mnt}/poll-${name}/big | wc -c`), `${8 * 1024 * 1024}\n`);
        run(`rm -r ${mnt}/poll-${name}`);
      } finally {
        await m.stop();
      }
    }
    const bad = spawnSync(process.execPath, [BIN, 'mount', volume.metaUrl, mnt], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SLICEFS_BUSY_POLL_US: 'fast' } });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /SLICEFS_BUSY_POLL_US=fast: not a number of µs from 0 to 10000/);
    assert.ok(!mounted(mnt), 'nothing left mounted');
  });

  it('--read-only refuses writes with EROFS; --debug logs each request', async () => {
    const m = await MountedVolume.start(volume.metaUrl, { mnt, args: ['--read-only', '--debug'] });
    try {
      assert.equal(run(`cat ${mnt}/kept`), 'persisted');
      assert.match(sh(`touch ${mnt}/new`).err, /Read-only file system/);
      assert.match(sh(`rm ${mnt}/kept`).err, /Read-only file system/);
      await until('the access log', () => /LOOKUP \(1\) "kept"/.test(m.log));
    } finally {
      await m.stop();
    }
    assert.ok(existsSync(mnt) && !mounted(mnt));
  });
});
