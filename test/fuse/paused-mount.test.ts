import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Volume } from '../../src/sdk/index.js';
import { slicefs } from '../support/cli.js';
import { formatEngineVolume, MountedVolume, mountEngines, run } from './support/mounted-volume.js';

/** A POSIX lock (fcntl) attempt from Python: prints "locked" or "busy" (held by another owner). */
const lockf = (file: string, extra = '') =>
  `python3 -c "import fcntl,sys; f=open('${file}','r+'); ` +
  `fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB); print('locked', flush=True); ${extra}" 2>/dev/null || echo busy`;

/**
 * The process on the paused mount: takes a POSIX lock on `locked`, writes and fsyncs `open`,
 * says `ready`, then waits for a line; then writes and fsyncs again and re-takes its lock, and
 * prints the errno name (or ok) of each step on one line.
 */
const HOLDER = `
import errno, fcntl, os, sys
f = open(sys.argv[1], 'r+')
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
g = os.open(sys.argv[2], os.O_RDWR)
os.pwrite(g, b'before', 0)
os.fsync(g)
print('ready', flush=True)
sys.stdin.readline()
def attempt(step):
    try:
        step()
        return 'ok'
    except OSError as e:
        return errno.errorcode[e.errno]
results = {}
results['write+fsync'] = attempt(lambda: (os.pwrite(g, b'after!', 0), os.fsync(g)))
results['lock'] = attempt(lambda: fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB))
print(' '.join(k + '=' + v for k, v in results.items()), flush=True)
`;

/** Reads a child's stdout until it holds a whole line, and returns that line. */
function nextLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      const at = seen.indexOf('\n');
      if (at < 0) return;
      stream.off('data', onData);
      resolve(seen.slice(0, at));
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended before a line: ${JSON.stringify(seen)}`)));
  });
}

it('mount --session-ttl below the minimum or not a duration is a usage error naming the flag (exit 2), before anything is mounted', () => {
  for (const bad of ['10ms', 'soon']) {
    const r = slicefs(['mount', 'sqlite3:///nonexistent/meta.db', '/nonexistent-mountpoint', '--session-ttl', bad]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--session-ttl: '.*' (is below the minimum of 300ms|is not a duration)/);
  }
});

// Issue 17 item 4: a mount stopped (SIGSTOP) past its session TTL loses its session; another
// mount may take its locks meanwhile; when it runs again it must not resume as if nothing
// happened: its lock owners and open files get EIO.
for (const engine of mountEngines()) {
  describe(`slicefs mount: a mount paused past its session TTL [${engine.name}]`, () => {
    let volume: Awaited<ReturnType<typeof formatEngineVolume>> | undefined;
    let a: MountedVolume;
    let b: MountedVolume;
    let watcher: Volume | undefined;
    before(async () => {
      volume = await formatEngineVolume(engine);
      // A short TTL on the mount to pause (so the test is quick), the default on the other.
      [a, b] = await Promise.all([MountedVolume.start(volume.metaUrl, { args: ['--session-ttl', '3s'] }), MountedVolume.start(volume.metaUrl)]);
      watcher = await Volume.open(volume.metaUrl, { readOnly: true });
    });
    after(async () => {
      if (a) process.kill(a.pid, 'SIGCONT');
      await watcher?.close();
      await Promise.all([a?.stop(), b?.stop()]);
      await volume?.remove();
    });

    it('on SIGCONT its lock owner and open file get EIO (fenced, logged), while another mount took the lock meanwhile; fsynced data stays', async () => {
      run(`printf data > ${a.mnt}/locked && printf data > ${a.mnt}/open`);
      const holder = spawn('python3', ['-c', HOLDER, `${a.mnt}/locked`, `${a.mnt}/open`], { stdio: ['pipe', 'pipe', 'inherit'] });
      const exited = new Promise<number | null>((resolve) => holder.on('exit', resolve));
      // Every child ends with the test, passed or failed: a child left waiting on its stdin keeps
      // the test file from exiting (CI once waited out the 300 s file timeout that way).
      let taker: ReturnType<typeof spawn> | undefined;
      try {
        assert.equal(await nextLine(holder.stdout), 'ready');
        assert.equal(run(lockf(`${b.mnt}/locked`)), 'busy\n', 'the lock holds across mounts while A is alive');
        const session = (await watcher!.meta.engine.listSessions()).find((s) => s.pid === a.pid);
        assert.ok(session, `the paused mount's session (pid ${a.pid}) is in the engine`);

        process.kill(a.pid, 'SIGSTOP');
        // Handshake: wait until the engine itself says A's session has expired.
        for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 50))) {
          const s = (await watcher!.meta.engine.listSessions()).find((x) => x.id === session.id);
          if (!s || s.expires < Date.now()) break;
          assert.ok(Date.now() < deadline, 'the paused session never expired');
        }
        // Meanwhile the other mount may take A's lock, and holds it.
        taker = spawn('sh', ['-c', lockf(`${b.mnt}/locked`, 'sys.stdin.read()')], { stdio: ['pipe', 'pipe', 'inherit'] });
        const takerExited = new Promise<number | null>((resolve) => taker!.on('exit', resolve));
        assert.equal(await nextLine(taker.stdout!), 'locked', 'the expired session\'s lock does not count');

        process.kill(a.pid, 'SIGCONT');
        holder.stdin.write('go\n');
        const results = await nextLine(holder.stdout);
        assert.equal(results, 'write+fsync=EIO lock=EIO', 'the paused mount does not resume silently');
        assert.match(a.log, /session #\d+ FENCED/);
        assert.match(a.log, /EIO to pid \d+: (WRITE|FSYNC|FLUSH) inode \d+: .*fenced/, 'the EIO the application got is in the mount log');
        assert.match(a.log, /EIO to pid \d+: SETLK inode \d+: .*fenced/);
        assert.equal(run(lockf(`${b.mnt}/locked`)), 'busy\n', 'the other mount still holds the lock');
        assert.equal(run(`cat ${b.mnt}/open`), 'before', 'the fsynced data stays; nothing written after the pause landed');
        taker.stdin!.end();
        assert.equal(await takerExited, 0);
      } finally {
        taker?.kill();
        holder.stdin.end();
        await exited;
      }
    });
  });
}
