import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkVolume, Volume } from '../../src/sdk/index.js';
import { slicefs } from '../support/cli.js';
import { buildTree, describeTree } from '../support/tree.js';
import { formatTempVolume, MountedVolume, run, sh } from './support/mounted-volume.js';

const BIN = path.resolve('bin/slicefs.js');

function countObjects(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && !e.parentPath.includes('.tmp')).length;
}

describe('clone and cp on a mount (DESIGN §3.11, §3.12)', () => {
  let tv: ReturnType<typeof formatTempVolume>;
  let m: MountedVolume;
  let vol: Volume;
  before(async () => {
    tv = formatTempVolume();
    vol = await Volume.open(tv.metaUrl);
    await buildTree(vol, '/tree', { files: 30 });
    await buildTree(vol, '/big', { files: 3000, fileSize: 10 });
    m = await MountedVolume.start(tv.metaUrl);
  });
  after(async () => {
    await m?.stop();
    await vol?.close();
    tv?.remove();
  });

  it('cp of a 1 GiB file shares its blocks: no object added, same bytes', () => {
    run(`dd if=/dev/urandom of=${m.mnt}/src.bin bs=1M count=64 status=none && for i in $(seq 1 15); do cat ${m.mnt}/src.bin; done > ${m.mnt}/gig.bin; cat ${m.mnt}/src.bin >> ${m.mnt}/gig.bin`);
    assert.equal(Number(run(`stat -c %s ${m.mnt}/gig.bin`)), 1024 * 1024 * 1024);
    const objects = countObjects(`${tv.dir}/objects`);
    const started = Date.now();
    run(`cp ${m.mnt}/gig.bin ${m.mnt}/gig-copy.bin`);
    const ms = Date.now() - started;
    assert.equal(countObjects(`${tv.dir}/objects`), objects, `cp wrote objects (took ${ms} ms)`);
    assert.equal(sh(`cmp ${m.mnt}/gig.bin ${m.mnt}/gig-copy.bin`).code, 0);
    const df = run(`df -B1 --output=used ${m.mnt}`).split('\n')[1]!.trim();
    assert.ok(Number(df) >= 2 * 1024 * 1024 * 1024, `df counts the copy (logical usage): ${df}`);
    const du = run(`du -sb ${m.mnt}/gig-copy.bin`).split('\t')[0];
    assert.equal(Number(du), 1024 * 1024 * 1024, 'du shows the file size');
    run(`rm ${m.mnt}/gig.bin ${m.mnt}/gig-copy.bin ${m.mnt}/src.bin`);
  });

  it('slicefs clone on mount paths is carried out by the mount', async () => {
    const r = slicefs(['clone', `${m.mnt}/tree`, `${m.mnt}/tree-copy`, '-p']);
    assert.equal(r.code, 0, r.err);
    assert.equal(sh(`diff -r ${m.mnt}/tree ${m.mnt}/tree-copy`).code, 0);
    assert.deepEqual(await describeTree(vol, '/tree-copy'), await describeTree(vol, '/tree'));
    run(`echo changed > ${m.mnt}/tree-copy/f0`);
    assert.notEqual(run(`cat ${m.mnt}/tree/f0`), 'changed\n', 'copy-on-write');
    const file = slicefs(['clone', `${m.mnt}/tree/sub/f1`, `${m.mnt}/`]);
    assert.equal(file.code, 0, file.err);
    assert.equal(run(`cmp ${m.mnt}/tree/sub/f1 ${m.mnt}/f1 && echo same`), 'same\n');
  });

  it('refuses a destination inside the source, on another mount, or a missing source', () => {
    const inside = slicefs(['clone', `${m.mnt}/tree`, `${m.mnt}/tree/inside`]);
    assert.match(inside.err, /Invalid argument \(destination is inside the source\)\n$/);
    const other = slicefs(['clone', `${m.mnt}/tree`, `${tv.dir}/elsewhere`]);
    assert.match(other.err, /Invalid cross-device link/);
    const missing = slicefs(['clone', `${m.mnt}/nothing`, `${m.mnt}/x`]);
    assert.match(missing.err, /No such file or directory/);
    assert.equal(sh(`ls ${m.mnt}/.control`).code, 0, 'the control file answers lookups');
    assert.ok(!run(`ls -a ${m.mnt}`).includes('.control'), 'but is not listed');
  });

  it('killing the clone CLI mid-way makes the mount remove the partial copy', async () => {
    const before = await vol.statfs();
    const cli = spawn(process.execPath, [BIN, 'clone', `${m.mnt}/big`, `${m.mnt}/big-copy`, '--batch-size', '1'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => cli.on('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!(await vol.meta.engine.listDetached()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal((await vol.meta.engine.listDetached()).length, 1, 'the clone was under way');
    cli.kill('SIGKILL');
    await exited;
    while ((await vol.meta.engine.listDetached()).length && Date.now() < deadline + 20_000) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await vol.meta.engine.listDetached(), [], 'the mount removed the detached tree');
    assert.equal(await vol.exists('/big-copy'), false);
    assert.deepEqual(await vol.statfs(), before);
    assert.deepEqual((await checkVolume(vol)).problems, []);
  });
});
