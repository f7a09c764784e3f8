import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { until } from '../../src/meta/testing/harness.js';
import { formatEngineVolume, formatTempVolume, MountedVolume, mountEngines, run, sh } from './support/mounted-volume.js';

/** POSIX record lock (fcntl) on a file from a Python one-liner: prints "locked" or "busy". */
const lockf = (file: string, extra = '') =>
  `python3 -c "import fcntl,sys; f=open('${file}','r+'); ` +
  `fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB); print('locked', flush=True); ${extra}" 2>/dev/null || echo busy`;

/**
 * An open-file-description lock (F_OFD_SETLK = 37, F_OFD_SETLKW = 38 with `wait`) on a file from
 * Python: prints "locked" or "busy", then runs `extra` with the descriptor in `fd`.
 */
const ofdLock = (file: string, options: { extra?: string; wait?: boolean; beforePrint?: string } = {}) =>
  `python3 -c "import fcntl,os,struct,sys; f='${file}'; fd=os.open(f, os.O_RDWR); ` +
  `fcntl.fcntl(fd, ${options.wait ? 38 : 37}, struct.pack('hhqqii', fcntl.F_WRLCK, 0, 0, 0, 0, 0)); ` +
  `${options.beforePrint ? `${options.beforePrint}; ` : ''}print('locked', flush=True); ${options.extra ?? ''}" 2>/dev/null || echo busy`;

/** Tries an OFD lock until it is granted (within 5 s: RELEASE reaches the mount after the last close). */
async function ofdFreed(file: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (run(ofdLock(file)) !== 'locked\n') {
    assert.ok(Date.now() < deadline, `${file}: the OFD lock is still held 5 s after its file was closed`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs a shell command that takes a lock, prints one line, then holds the lock until its stdin
 * closes: the test decides when the lock goes, not a sleep that a slow machine can outrun.
 */
async function holdLock(command: string): Promise<{ line: string; stdin: NodeJS.WritableStream; stdout: NodeJS.ReadableStream; release(): Promise<number | null> }> {
  const holder = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => holder.on('exit', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    holder.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    void exited.then((code) => reject(new Error(`lock holder \`${command}\` exited (${code}) before taking its lock`)));
  });
  return { line, stdin: holder.stdin, stdout: holder.stdout, release: () => (holder.stdin.end(), exited) };
}

/** The exit code of a child, or null while it still runs after `ms`. */
async function exitWithin(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    child.once('exit', (code) => (clearTimeout(timer), resolve(code)));
  });
}

/**
 * `flock -n FILE true` succeeds within 5 s. The kernel drops a FUSE flock by the RELEASE
 * request it sends asynchronously after the last close, so a holder that has exited may still
 * hold it for a moment (docs/mount.md).
 */
async function flockFreed(file: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (sh(`flock -n ${file} true`).code !== 0) {
    assert.ok(Date.now() < deadline, `${file}: the flock is still held 5 s after its holder exited`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs shell commands at once, each in its own process; resolves with their exit codes and stderr. */
function runTogether(commands: string[]): Promise<Array<{ code: number | null; err: string }>> {
  return Promise.all(
    commands.map(
      (command) =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('exit', (code) => resolve({ code, err }));
        }),
    ),
  );
}

/** 1000 fixed-length (24-byte) lines `TAG NNNNNN ............` appended to FILE: through one descriptor, or one open/append/close each. */
const appendLines = (file: string, tag: string, how: 'one-descriptor' | 'open-each') =>
  how === 'one-descriptor'
    ? `exec 3>>${file}; i=0; while [ $i -lt 1000 ]; do printf '${tag} %06d ............\\n' $i >&3; i=$((i+1)); done`
    : `i=0; while [ $i -lt 1000 ]; do printf '${tag} %06d ............\\n' $i >> ${file}; i=$((i+1)); done`;

/** Checks that `text` is exactly 1000 whole lines of each tag, each tag's in order. */
function assertAllLines(text: string, tags: string[]): void {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'ends with a whole line');
  assert.equal(lines.length, 1000 * tags.length, `${lines.length} lines, not ${1000 * tags.length}`);
  const next = new Map(tags.map((t) => [t, 0]));
  for (const [i, line] of lines.entries()) {
    const m = /^([A-Z]) (\d{6}) \.{12}$/.exec(line);
    assert.ok(m && next.has(m[1]!), `line ${i} is torn: ${JSON.stringify(line)}`);
    assert.equal(Number(m[2]), next.get(m[1]!), `line ${i}: ${m[1]}'s lines out of order or missing`);
    next.set(m[1]!, next.get(m[1]!)! + 1);
  }
}

// Mount B reads /dev/fuse on the thread pool (the fallback when Node offers no event-loop reads),
// so both request sources are exercised.
describe('slicefs mount: two mounts of one volume (two clients)', () => {
  const volume = formatTempVolume();
  let a: MountedVolume;
  let b: MountedVolume;
  before(async () => {
    [a, b] = await Promise.all([
      MountedVolume.start(volume.metaUrl),
      MountedVolume.start(volume.metaUrl, { env: { SLICEFS_DEVICE_READS: 'thread-pool' } }),
    ]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    volume.remove();
  });

  it("sees the other's writes after close, at once (close-to-open), even over cached pages", () => {
    run(`printf v1 > ${a.mnt}/f`);
    assert.equal(run(`cat ${b.mnt}/f`), 'v1');
    run(`printf v2 > ${a.mnt}/f`);
    assert.equal(run(`cat ${b.mnt}/f`), 'v2', 'same length: B drops its cached pages at open (mtime changed)');
    run(`printf version-three > ${a.mnt}/f`);
    assert.equal(run(`cat ${b.mnt}/f; stat -c %s ${b.mnt}/f`), 'version-three13\n', 'B re-validates its cached attributes at open');
    run(`head -c 3000000 /dev/urandom >> ${a.mnt}/f`);
    assert.equal(run(`wc -c < ${b.mnt}/f`), '3000013\n');
    assert.equal(run(`sha256sum < ${b.mnt}/f`), run(`sha256sum < ${a.mnt}/f`));
  });

  it("sees the other's extended attributes: user.* at once, security.* within the attribute timeout (ls -l's probes are cached that long)", async () => {
    run(`touch ${a.mnt}/attrs`);
    const get = (m: MountedVolume, name: string) => sh(`getfattr --only-values -n ${name} ${m.mnt}/attrs`);
    assert.match(get(b, 'security.slicefs-test').err, /No such attribute/, 'B has looked and found none');
    assert.match(get(b, 'system.posix_acl_access').err, /No such attribute/);
    run(`setfattr -n security.slicefs-test -v one ${a.mnt}/attrs && setfattr -n user.note -v two ${a.mnt}/attrs`);
    assert.equal(get(a, 'security.slicefs-test').out, 'one', 'the mount that set it sees it at once');
    assert.equal(get(b, 'user.note').out, 'two', 'user.* is never answered from the cache');
    await until('B sees security.slicefs-test', () => get(b, 'security.slicefs-test').out === 'one', 5_000);
    run(`setfattr -x security.slicefs-test ${b.mnt}/attrs`);
    assert.match(get(b, 'security.slicefs-test').err, /No such attribute/);
  });

  it('a directory the other mount removed lists as empty at most for the entry timeout, then is gone', async () => {
    run(`mkdir ${a.mnt}/gone && touch ${a.mnt}/gone/f`);
    assert.equal(run(`ls ${b.mnt}/gone`), 'f\n');
    run(`rm -r ${a.mnt}/gone`);
    const r = sh(`ls ${b.mnt}/gone`);
    assert.ok(r.code === 0 ? r.out === '' : /No such file/.test(r.err), `ls: ${r.code} ${r.out} ${r.err}`);
    await until('B no longer finds it', () => sh(`ls ${b.mnt}/gone`).code !== 0, 5_000);
  });

  it("sees the other's namespace changes: new names at once, removals through the stale-handle retry", () => {
    run(`mkdir ${a.mnt}/dir && printf x > ${a.mnt}/dir/y`);
    assert.equal(run(`ls ${b.mnt}/dir`), 'y\n');
    assert.equal(run(`cat ${b.mnt}/dir/y`), 'x');
    run(`rm ${a.mnt}/dir/y && printf z > ${a.mnt}/dir/y`);
    assert.equal(run(`cat ${b.mnt}/dir/y`), 'z', 'the name now points at a new inode');
    run(`rm -r ${a.mnt}/dir`);
    assert.notEqual(sh(`cat ${b.mnt}/dir/y`).code, 0);
  });

  it('flock contends across processes of one mount and across mounts; a waiter gets the lock once it is released', async () => {
    run(`touch ${a.mnt}/lock`);
    const holder = await holdLock(`flock ${a.mnt}/lock -c 'echo held; read _'`);
    assert.equal(holder.line, 'held');
    assert.equal(sh(`flock -n ${a.mnt}/lock true`).code, 1, 'same mount, other process');
    assert.equal(sh(`flock -n ${b.mnt}/lock true`).code, 1, 'other mount');
    assert.equal(sh(`flock -s -n ${b.mnt}/lock true`).code, 1, 'shared against exclusive');
    const waiter = spawn('flock', [`${b.mnt}/lock`, 'true'], { stdio: 'ignore' });
    assert.equal(await exitWithin(waiter, 500), null, 'the waiter waits while the lock is held');
    await holder.release();
    assert.equal(await exitWithin(waiter, 10_000), 0, 'the waiter takes the lock once the holder has gone');
    await flockFreed(`${a.mnt}/lock`);
  });

  it('an interrupted flock wait (killed waiter) leaves no lock behind', async () => {
    const holder = await holdLock(`flock ${a.mnt}/lock -c 'echo held; read _'`);
    assert.equal(sh(`timeout 0.5 flock ${b.mnt}/lock true`).code, 124, 'the waiter is killed while waiting');
    await holder.release();
    // The killed waiter holds nothing: once the holder's release lands, both mounts can take it.
    // (flockFreed's own probe through B drops its flock by an asynchronous RELEASE too, so A
    // waits for that, as it would for any holder that has just exited.)
    await flockFreed(`${b.mnt}/lock`);
    await flockFreed(`${a.mnt}/lock`);
  });

  it('POSIX record locks (fcntl) conflict across mounts and are dropped when the holder closes', async () => {
    run(`printf data > ${a.mnt}/rec`);
    const holder = await holdLock(lockf(`${a.mnt}/rec`, 'sys.stdin.read()'));
    assert.equal(holder.line, 'locked');
    assert.equal(run(lockf(`${b.mnt}/rec`)), 'busy\n');
    assert.equal(run(lockf(`${a.mnt}/rec`)), 'busy\n');
    assert.equal(await holder.release(), 0);
    assert.equal(run(lockf(`${b.mnt}/rec`)), 'locked\n', 'released at close');
  });

  for (const how of ['one-descriptor', 'open-each'] as const) {
    it(`O_APPEND from both mounts at once (${how}): 2 × 1000 lines, every one whole and once`, async () => {
      const name = `appends-${how}`;
      run(`: > ${a.mnt}/${name}`);
      const results = await runTogether([appendLines(`${a.mnt}/${name}`, 'A', how), appendLines(`${b.mnt}/${name}`, 'B', how)]);
      assert.deepEqual(results, [{ code: 0, err: '' }, { code: 0, err: '' }]);
      assertAllLines(run(`cat ${a.mnt}/${name}`), ['A', 'B']);
      assert.equal(run(`sha256sum < ${b.mnt}/${name}`), run(`sha256sum < ${a.mnt}/${name}`), 'both mounts read the same file');
    });
  }
});

// Open-file-description locks on every engine that mounts can share (issue 17 item 1): the lock
// lives in the engine, the release comes from each mount's RELEASE bookkeeping.
for (const engine of mountEngines()) {
  describe(`slicefs mount: OFD locks across two mounts [${engine.name}]`, () => {
    let volume: Awaited<ReturnType<typeof formatEngineVolume>> | undefined;
    let a: MountedVolume;
    let b: MountedVolume;
    before(async () => {
      volume = await formatEngineVolume(engine);
      [a, b] = await Promise.all([MountedVolume.start(volume.metaUrl), MountedVolume.start(volume.metaUrl)]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await volume?.remove();
    });

    it('OFD locks (F_OFD_SETLK) conflict on one mount and across mounts, and go when their file is closed', async () => {
      run(`printf data > ${a.mnt}/ofd`);
      const holder = await holdLock(ofdLock(`${a.mnt}/ofd`, { extra: "sys.stdin.readline(); os.close(fd); print('closed', flush=True); sys.stdin.read()" }));
      assert.equal(holder.line, 'locked');
      assert.equal(run(ofdLock(`${a.mnt}/ofd`)), 'busy\n', 'same mount, other process');
      assert.equal(run(ofdLock(`${b.mnt}/ofd`)), 'busy\n', 'other mount');
      assert.equal(run(lockf(`${b.mnt}/ofd`)), 'busy\n', 'a classic POSIX lock from the other mount');
      // The holder closes its descriptor but stays alive: the lock goes with the close, not the exit.
      // Chunks, not lines: with PYTHONUNBUFFERED a print's text and its newline are two writes.
      const closed = new Promise<string>((resolve) => {
        let seen = '';
        holder.stdout.on('data', (d: Buffer) => void ((seen += d.toString()).includes('closed\n') && resolve(seen.trim())));
      });
      holder.stdin.write('close\n');
      assert.equal(await closed, 'closed');
      await ofdFreed(`${b.mnt}/ofd`);
      await ofdFreed(`${a.mnt}/ofd`);
      assert.equal(await holder.release(), 0);
    });

    it('an F_OFD_SETLKW waiter on the other mount gets the lock once the holder exits', async () => {
      run(`printf data > ${a.mnt}/ofdw`);
      const holder = await holdLock(ofdLock(`${a.mnt}/ofdw`, { extra: 'sys.stdin.read()' }));
      assert.equal(holder.line, 'locked');
      const waiter = spawn('sh', ['-c', ofdLock(`${b.mnt}/ofdw`, { wait: true })], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      waiter.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      assert.equal(await exitWithin(waiter, 500), null, 'the waiter waits while the lock is held');
      assert.equal(await holder.release(), 0);
      assert.equal(await exitWithin(waiter, 10_000), 0, 'the waiter takes the lock once the holder has gone');
      assert.equal(out, 'locked\n');
    });

    it('closing one descriptor of a file does not drop the OFD lock held through another open of it', async () => {
      run(`printf data > ${a.mnt}/ofd2`);
      // The same process opens the file twice, locks through the first, closes the second.
      const holder = await holdLock(ofdLock(`${a.mnt}/ofd2`, { beforePrint: 'g=os.open(f, os.O_RDWR); os.close(g)', extra: 'sys.stdin.read()' }));
      assert.equal(holder.line, 'locked');
      assert.equal(run(ofdLock(`${b.mnt}/ofd2`)), 'busy\n', 'still held after the other descriptor was closed');
      assert.equal(await holder.release(), 0);
      await ofdFreed(`${b.mnt}/ofd2`);
    });
  });
}
