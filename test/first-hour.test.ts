import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { Volume } from '../src/sdk/index.js';
import { slicefs } from './support/cli.js';

// What a new user meets in the first hour (issue 12): each case once failed as written here.

const BIN = path.resolve('bin/slicefs.js');
const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-first-hour-'));
chmodSync(dir, 0o755); // a non-root user's files are in here too
const mounts: string[] = [];
const mountedAt = (mnt: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === mnt);
after(() => {
  for (const m of mounts) if (mountedAt(m)) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
});

let volumes = 0;
function sqliteVolume(): { meta: string; db: string } {
  const sub = path.join(dir, `vol${++volumes}`);
  const meta = `sqlite3://${sub}/vol.db`;
  const f = slicefs(['format', meta, `firsthour${volumes}`, '--storage', `file://${sub}/objects/`]);
  assert.equal(f.code, 0, f.err);
  return { meta, db: `${sub}/vol.db` };
}

/** Every file of a directory with its bytes. */
const snapshot = (d: string) => readdirSync(d).map((name) => [name, statSync(path.join(d, name)).isFile() ? readFileSync(path.join(d, name)).toString('hex') : 'dir']);

describe('read-only commands change nothing', () => {
  it('status, info, summary, gc and fsck leave a SQLite volume byte for byte as it was, with no -wal/-shm files', () => {
    const { meta, db } = sqliteVolume();
    const before = snapshot(path.dirname(db));
    for (const args of [['status', meta], ['status', meta, '--json'], ['info', '--meta', meta, '/'], ['summary', '--meta', meta, '/'], ['gc', meta], ['fsck', meta]]) {
      const r = slicefs(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      assert.deepEqual(snapshot(path.dirname(db)), before, args.join(' '));
    }
  });

  it("status by a user who may read another user's SQLite volume but not write beside it: EACCES and why, not 'no volume here'", () => {
    const shared = mkdtempSync(path.join(tmpdir(), 'slicefs-first-hour-shared-'));
    try {
      chmodSync(shared, 0o755); // others may enter and read, not create files
      const meta = `sqlite3://${shared}/vol.db`;
      assert.equal(slicefs(['format', meta, 'rootsvol', '--storage', `file://${shared}/objects/`]).code, 0);
      assert.deepEqual(readdirSync(shared).sort(), ['objects', 'vol.db'], 'no -shm file is left');
      const r = slicefs(['status', meta], { uid: 65534 });
      assert.deepEqual([r.code, r.err], [1, `slicefs: status: ${shared}/vol.db: Permission denied (SQLite reads the metadata database through its -shm file, and uid 65534 may not create one in its directory)\n`]);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('status on an empty .db file says there is no volume and leaves it empty', () => {
    const empty = path.join(dir, 'empty', 'vol.db');
    mkdirSync(path.dirname(empty));
    writeFileSync(empty, '');
    const r = slicefs(['status', `sqlite3://${empty}`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /no volume here \(run slicefs format first\)\n$/);
    assert.deepEqual(readdirSync(path.dirname(empty)), ['vol.db']);
    assert.equal(statSync(empty).size, 0);
  });

  for (const engine of testEngines().filter((e) => e.name !== 'mem')) {
    it(`status, info, summary, gc and fsck register no session [${engine.name}]`, async () => {
      const url = await engine.newUrl();
      try {
        const storage = `file://${dir}/sessions-${engine.name}/`;
        assert.equal(slicefs(['format', url, `sessions-${engine.name}`, '--storage', storage]).code, 0);
        const sessionsMade = async () => {
          const v = await Volume.open(url, { readOnly: true });
          try {
            return await v.meta.engine.getCounter('nextSession');
          } finally {
            await v.close();
          }
        };
        const before = await sessionsMade();
        for (const args of [['status', url], ['info', '--meta', url, '/'], ['summary', '--meta', url, '/'], ['gc', url], ['fsck', url]]) assert.equal(slicefs(args).code, 0, args.join(' '));
        assert.equal(await sessionsMade(), before);
        assert.equal(slicefs(['gc', url, '--delete']).code, 0);
        assert.equal(await sessionsMade(), before + 1, 'gc --delete does register one');
      } finally {
        await engine.cleanup(url);
      }
    });
  }

  for (const engine of testEngines()) {
    it(`a volume opened read-only refuses writes with EROFS and writes no object [${engine.name}]`, async () => {
      const url = await engine.newUrl();
      const objects = path.join(dir, `ro-objects-${engine.name}`);
      try {
        await Volume.format(url, `ro-${engine.name}`, { storage: `file://${objects}/` });
        const rw = await Volume.open(url);
        await rw.writeFile('/kept', 'before');
        await rw.close();
        const listing = () => spawnSync('find', [objects], { encoding: 'utf8' }).stdout;
        const before = listing();
        const v = await Volume.open(url, { readOnly: true });
        try {
          assert.equal(await v.readFile('/kept', 'utf8'), 'before');
          await assert.rejects(v.writeFile('/kept', 'after'), { code: 'EROFS' });
          await assert.rejects(v.writeFile('/new', 'x'), { code: 'EROFS' });
          await assert.rejects(v.mkdir('/d'), { code: 'EROFS' });
        } finally {
          await v.close();
        }
        assert.equal(listing(), before);
        const check = await Volume.open(url, { readOnly: true });
        assert.equal(await check.readFile('/kept', 'utf8'), 'before');
        await check.close();
      } finally {
        await engine.cleanup(url);
      }
    });
  }
});

describe('npm test installs or starts what it needs (scripts/test-prerequisites.sh)', () => {
  const script = path.resolve('scripts/test-prerequisites.sh');

  it('npm test runs it before the tests', () => {
    assert.match(readFileSync('scripts/test.mjs', 'utf8'), /test-prerequisites\.sh/);
    assert.match(readFileSync('.ci/run', 'utf8'), /^npm test$/m);
    assert.doesNotMatch(readFileSync('.ci/run', 'utf8'), /apt-get|redis-server|pg_ctlcluster/, 'one place only');
  });

  it('passes when everything is there', () => {
    const r = spawnSync('bash', [script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('says what is missing and how to install it when it cannot (not root)', () => {
    // A PATH with the shell's helpers only: every tool the suite needs is missing.
    const bin = path.join(dir, 'bare-bin');
    mkdirSync(bin);
    for (const tool of ['bash', 'id', 'sort', 'seq', 'ls', 'head', 'sleep']) {
      symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), path.join(bin, tool));
    }
    const r = spawnSync(path.join(bin, 'bash'), [script], { encoding: 'utf8', env: { PATH: bin }, uid: 65534, gid: 65534 });
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      'test prerequisites: missing packages attr curl fuse3 gcc libcap2-bin litmus openssl util-linux, and not root to install them; run: sudo apt-get install attr curl fuse3 gcc libcap2-bin litmus openssl util-linux\n',
    );
  });
});

describe('the command line', () => {
  it('bare slicefs is a usage error (help on stderr, status 1); --help prints it on stdout with status 0', () => {
    const bare = slicefs([]);
    assert.equal(bare.code, 1);
    assert.equal(bare.out, '');
    assert.match(bare.err, /^Usage: slicefs/);
    const help = slicefs(['--help']);
    assert.equal(help.code, 0);
    assert.equal(help.err, '');
    assert.match(help.out, /^Usage: slicefs/);
  });

  it('an unknown command fails, with --help too', () => {
    for (const args of [['nosuch'], ['nosuch', '--help'], ['help', 'nosuch']]) {
      const r = slicefs(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.out, '');
      assert.equal(r.err, "slicefs: unknown command 'nosuch'\n");
    }
  });

  it('help shows each default once', () => {
    const h = slicefs(['gc', '--help']);
    assert.match(h.out, /--delete +remove what is found \(default: only report\)\n/);
    assert.doesNotMatch(h.out, /default: false/);
    for (const c of ['mount', 'fsck', 'status', 'clone', 'umount']) assert.doesNotMatch(slicefs([c, '--help']).out, /default: false/, c);
  });

  it('objbench on a new file:// directory leaves nothing behind; an existing one keeps what it had', () => {
    const small = ['--big-objects', '1', '--small-objects', '2', '--block-size', '64K', '--small-size', '1K', '--json'];
    const fresh = path.join(dir, 'objbench-new');
    assert.equal(slicefs(['objbench', `file://${fresh}/`, ...small]).code, 0);
    assert.ok(!existsSync(fresh), 'the directory it made is gone');
    const kept = path.join(dir, 'objbench-kept');
    mkdirSync(path.join(kept, 'empty-before'), { recursive: true });
    writeFileSync(path.join(kept, 'mine'), 'x');
    assert.equal(slicefs(['objbench', `file://${kept}/`, ...small]).code, 0);
    assert.deepEqual(readdirSync(kept).sort(), ['empty-before', 'mine']);
  });

  it('a command whose output is closed exits quietly (status 141, nothing on stderr)', async () => {
    const { meta } = sqliteVolume();
    for (const args of [['fsck', meta], ['status', meta], ['--help']]) {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // the reader is gone before the command writes: its first write gets EPIPE
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise((resolve) => child.on('close', resolve));
      assert.equal(err, '', args.join(' '));
      assert.equal(code, 141, args.join(' '));
    }
  });
});

describe('mount: the real error, in one line', () => {
  const mount = (args: string[]) => slicefs(['mount', ...args, '--background', '--log', path.join(dir, 'mount.log')]);

  it('a missing directory, a file, a mounted directory: ENOENT, ENOTDIR, EBUSY', () => {
    const { meta } = sqliteVolume();
    const missing = path.join(dir, 'no-such-dir');
    assert.deepEqual(mount([meta, missing]), { code: 1, out: '', err: `slicefs: mount: ${missing}: No such file or directory\n` });
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    assert.deepEqual(mount([meta, file]), { code: 1, out: '', err: `slicefs: mount: ${file}: Not a directory\n` });
    const mnt = path.join(dir, 'busy');
    mkdirSync(mnt);
    mounts.push(mnt);
    assert.equal(mount([meta, mnt]).code, 0);
    try {
      assert.deepEqual(mount([meta, mnt]), { code: 1, out: '', err: `slicefs: mount: ${mnt}: Device or resource busy (a slicefs volume is already mounted here)\n` });
    } finally {
      assert.equal(slicefs(['umount', mnt]).code, 0);
    }
  });

  it("a failure inside the mount process is reported as it is, without the log's older lines", () => {
    const mnt = path.join(dir, 'bad-url');
    mkdirSync(mnt);
    const log = path.join(dir, 'old.log');
    writeFileSync(log, 'slicefs: mounted volume old at /elsewhere (pid 1)\n');
    const meta = `sqlite3://${dir}/nothing-here.db`;
    const r = slicefs(['mount', meta, mnt, '--background', '--log', log]);
    assert.equal(r.code, 2);
    assert.equal(r.err, `slicefs: mount: ${meta}: no volume here (${dir}/nothing-here.db does not exist; run slicefs format first)\n`);
  });

  it('a non-root user is told /dev/fuse is not theirs, in one line', () => {
    const home = path.join(dir, 'nobody');
    mkdirSync(path.join(home, 'mnt'), { recursive: true });
    chownSync(home, 65534, 65534);
    chownSync(path.join(home, 'mnt'), 65534, 65534);
    const asNobody = (args: string[]) => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], { encoding: 'utf8' });
    const meta = `sqlite3://${home}/v.db`;
    assert.equal(asNobody(['format', meta, 'nobodys', '--storage', `file://${home}/objects/`]).status, 0);
    const r = asNobody(['mount', meta, `${home}/mnt`, '--background', '--log', `${home}/mount.log`]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `slicefs: mount: /dev/fuse: Permission denied (mounting needs root and the fuse kernel module)\n`);
  });

  it('refuses a non-empty directory (ENOTEMPTY) unless --nonempty, and hides nothing by surprise', () => {
    const { meta } = sqliteVolume();
    const mnt = path.join(dir, 'nonempty');
    mkdirSync(mnt);
    writeFileSync(path.join(mnt, 'precious'), 'mine');
    mounts.push(mnt);
    for (const background of [true, false]) {
      const r = slicefs(['mount', meta, mnt, ...(background ? ['--background', '--log', path.join(dir, 'ne.log')] : [])]);
      assert.equal(r.code, 1);
      assert.equal(r.err, `slicefs: mount: ${mnt}: Directory not empty (a mount would hide its entries; use --nonempty to mount over them)\n`);
      assert.ok(!mountedAt(mnt));
    }
    const ok = slicefs(['mount', meta, mnt, '--nonempty', '--background', '--log', path.join(dir, 'ne.log')]);
    assert.equal(ok.code, 0, ok.err);
    try {
      assert.deepEqual(readdirSync(mnt), []);
    } finally {
      assert.equal(slicefs(['umount', mnt]).code, 0);
    }
    assert.equal(readFileSync(path.join(mnt, 'precious'), 'utf8'), 'mine');
  });
});
