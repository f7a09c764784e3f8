import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Volume } from '../src/sdk/index.js';
import { slicefs } from './support/cli.js';

const BIN = path.resolve('bin/slicefs.js');
const NOBODY = { uid: 65534, gid: 65534, gids: [] };

/** `slicefs ARGS` as nobody:nogroup. */
function asNobody(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('slicefs restore: list the trash and put files back, as root and as their owner', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-restore-'));
  const meta = `sqlite3://${dir}/v.db`;
  /** Runs `fn` on the volume as `caller` (root when omitted), closing it after. */
  async function onVolume<T>(fn: (v: Volume) => Promise<T>, caller?: typeof NOBODY): Promise<T> {
    const v = await Volume.open(meta, { program: 'restore test', caller });
    try {
      return await fn(v);
    } finally {
      await v.close();
    }
  }

  before(async () => {
    chmodSync(dir, 0o777); // nobody opens the SQLite file and its journal here
    const f = slicefs(['format', meta, 'vol', '--storage', `file://${dir}/o/`, '--trash-days', '1']);
    assert.equal(f.code, 0, f.err);
    chmodSync(path.join(dir, 'o'), 0o777);
    chmodSync(`${dir}/v.db`, 0o666);
    await onVolume(async (v) => {
      await v.mkdir('/docs', { mode: 0o777 });
      await v.chmod('/docs', 0o777);
      await v.mkdir('/gone');
      await v.mkdir('/recovered');
      await v.mkdir('/docs/drop');
      await v.chmod('/docs/drop', 0o777);
      await v.writeFile('/docs/root.txt', 'root wrote this');
      await v.writeFile('/gone/c.txt', 'in a removed directory');
      await v.unlink('/docs/root.txt');
      await v.unlink('/gone/c.txt');
      await v.rmdir('/gone');
    });
    await onVolume(async (v) => {
      await v.writeFile('/docs/a.txt', 'nobody wrote a');
      await v.writeFile('/docs/b.txt', 'nobody wrote b');
      await v.unlink('/docs/a.txt');
      await v.unlink('/docs/b.txt');
      await v.writeFile('/docs/b.txt', 'a new b');
    }, NOBODY);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists what each user may see: root all, nobody only their files', () => {
    const r = slicefs(['restore', meta, '--list']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^DELETED \(UTC\) +OWNER +SIZE +ORIGINAL PATH +IN TRASH$/);
    assert.equal(lines.length, 5, r.out);
    assert.ok(lines.some((l) => / uid 65534 +14 B +\/docs\/a\.txt +\/\.trash\/\d{4}-\d\d-\d\d-\d\d\/\d+-\d+-a\.txt$/.test(l)), r.out);
    assert.ok(lines.some((l) => / uid 0 .*\(removed directory, inode \d+\)\/c\.txt /.test(l)), r.out);

    const mine = asNobody(['restore', meta, '--list', '--json']);
    assert.equal(mine.code, 0, mine.err);
    const entries = JSON.parse(mine.out) as Array<{ originalPath: string; uid: number; size: number; deletedAt: string }>;
    assert.deepEqual(entries.map((e) => [e.originalPath, e.uid, e.size]).sort(), [['/docs/a.txt', 65534, 14], ['/docs/b.txt', 65534, 14]]);
    assert.ok(entries.every((e) => !Number.isNaN(Date.parse(e.deletedAt))));
  });

  it("as nobody: restores their own file, refuses another's (EACCES) and an occupied path (EEXIST), in one line each", async () => {
    const [rootsFile] = JSON.parse(slicefs(['restore', meta, '--list', '--json', '/docs/root.txt']).out) as Array<{ trashPath: string }>;
    const theirs = asNobody(['restore', meta, rootsFile!.trashPath]);
    assert.equal(theirs.err, `slicefs: restore: ${rootsFile!.trashPath}: Permission denied (owned by uid 0: only root or the owner may restore it)\n`);
    assert.equal(theirs.code, 1);
    const hidden = asNobody(['restore', meta, '/docs/root.txt']);
    assert.equal(hidden.err, 'slicefs: restore: /docs/root.txt: No such file or directory (nothing in the trash you may see was there; see --list)\n');

    const a = asNobody(['restore', meta, '/docs/a.txt']);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /^restored \/docs\/a\.txt  \(from \/\.trash\/[^)]+-a\.txt\)\n$/);
    const b = asNobody(['restore', meta, '/docs/b.txt']);
    assert.match(b.err, /^slicefs: restore: \/docs\/b\.txt: File exists \(a file \(inode \d+\) is there now\)\n$/);
    assert.equal(b.code, 1);
    const notMine = asNobody(['restore', meta, '/docs/b.txt', '--to', '/recovered']);
    assert.equal(notMine.err, 'slicefs: restore: /recovered: Permission denied (uid 65534 may not write this directory)\n');
    const moved = asNobody(['restore', meta, '/docs/b.txt', '--to', '/docs/drop', '--json']);
    assert.equal(moved.code, 0, moved.err);
    assert.deepEqual(JSON.parse(moved.out).restored.map((f: { path: string }) => f.path), ['/docs/drop/b.txt']);
    await onVolume(async (v) => {
      assert.equal(await v.readFile('/docs/a.txt', 'utf8'), 'nobody wrote a');
      assert.equal(await v.readFile('/docs/drop/b.txt', 'utf8'), 'nobody wrote b');
      assert.equal(await v.readFile('/docs/b.txt', 'utf8'), 'a new b');
    });
  });

  it('as root: restores anyone\'s files; a removed directory needs --to (ENOENT otherwise); fsck stays clean', async () => {
    const all = slicefs(['restore', meta, '/']);
    assert.equal(all.code, 0, all.err);
    assert.match(all.out, /^restored \/docs\/root\.txt  \(from \/\.trash\/[^)]+\)\n$/);
    const gone = slicefs(['restore', meta, '/.trash']);
    assert.match(gone.err, /^slicefs: restore: \/\.trash\/[^ ]+-c\.txt: No such file or directory \(its directory \(inode \d+\) was removed; restore it with --to DIR\)\n$/);
    assert.equal(gone.code, 1);
    const to = slicefs(['restore', meta, '/.trash', '--to', '/recovered']);
    assert.equal(to.code, 0, to.err);
    assert.match(to.out, /^restored \/recovered\/c\.txt  /);
    assert.equal(slicefs(['restore', meta, '--list']).out, 'the trash holds nothing you may see\n');
    await onVolume(async (v) => {
      assert.equal(await v.readFile('/docs/root.txt', 'utf8'), 'root wrote this');
      assert.equal(await v.readFile('/recovered/c.txt', 'utf8'), 'in a removed directory');
    });
    const fsck = slicefs(['fsck', meta]);
    assert.equal(fsck.code, 0, fsck.out + fsck.err);
  });
});
