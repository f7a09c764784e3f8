import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTempVolume, MountedVolume, run, sh } from './support/mounted-volume.js';

describe('slicefs mount: everyday tools on a real mount', () => {
  const volume = formatTempVolume();
  let m: MountedVolume;
  let mnt: string;
  before(async () => {
    m = await MountedVolume.start(volume.metaUrl);
    mnt = m.mnt;
  });
  after(async () => {
    await m?.stop();
    volume.remove();
  });

  it('cp, cp -r, diff -r, mv and rm -r', () => {
    run(`cp -r src/fuse ${mnt}/tree && cp package.json ${mnt}/p.json`);
    assert.equal(sh(`diff -r src/fuse ${mnt}/tree && cmp package.json ${mnt}/p.json`).code, 0);
    // Inside the mount cp tries copy_file_range first (answered ENOSYS for now) and falls back.
    run(`cp ${mnt}/p.json ${mnt}/copy.json && cp -r ${mnt}/tree ${mnt}/tree2`);
    assert.equal(sh(`cmp package.json ${mnt}/copy.json && diff -r src/fuse ${mnt}/tree2 && rm -r ${mnt}/copy.json ${mnt}/tree2`).code, 0);
    run(`mv ${mnt}/tree ${mnt}/moved && mv ${mnt}/p.json ${mnt}/moved/`);
    assert.equal(sh(`test -e ${mnt}/tree`).code, 1);
    assert.equal(sh(`diff -r src/fuse/abi ${mnt}/moved/abi && cmp package.json ${mnt}/moved/p.json`).code, 0);
    run(`rm -r ${mnt}/moved`);
    assert.equal(run(`ls -A ${mnt}`), '');
  });

  it('ln, ln -s, readlink and stat see links, types, sizes and modes', () => {
    run(`cd ${mnt} && printf hello > a && ln a hard && ln -s a soft && mkdir d && chmod 750 d`);
    assert.equal(run(`stat -c '%h %s %F' ${mnt}/a`), '2 5 regular file\n');
    assert.equal(run(`stat -c '%i' ${mnt}/a`), run(`stat -c '%i' ${mnt}/hard`));
    assert.equal(run(`readlink ${mnt}/soft && cat ${mnt}/soft`), 'a\nhello');
    assert.equal(run(`stat -c '%F %a' ${mnt}/soft ${mnt}/d`), 'symbolic link 777\ndirectory 750\n');
    run(`rm ${mnt}/a`);
    assert.equal(run(`cat ${mnt}/hard && stat -c %h ${mnt}/hard`), 'hello1\n');
    assert.notEqual(sh(`cat ${mnt}/soft`).code, 0, 'dangling symlink');
    run(`cd ${mnt} && rm hard soft && rmdir d`);
  });

  it('dd with seek and truncate: holes read as zeros, stat shows size and blocks', () => {
    run(`dd if=/dev/urandom of=${mnt}/r bs=64K count=16 status=none && dd if=/dev/zero of=${mnt}/sparse bs=1 count=1 seek=5000000 status=none`);
    assert.equal(run(`stat -c %s ${mnt}/r ${mnt}/sparse`), '1048576\n5000001\n');
    assert.equal(run(`cmp -n 5000001 ${mnt}/sparse /dev/zero && echo same`), 'same\n');
    run(`truncate -s 100000 ${mnt}/r && truncate -s 300000 ${mnt}/r`);
    assert.equal(run(`stat -c '%s %b' ${mnt}/r`), `300000 ${Math.ceil(300000 / 512)}\n`);
    assert.equal(run(`tail -c 200000 ${mnt}/r | cmp - /dev/zero -n 200000 && echo zeros`), 'zeros\n');
    run(`printf abcdefgh > ${mnt}/p && fallocate -p -o 2 -l 3 ${mnt}/p && fallocate -l 16 ${mnt}/p`);
    assert.equal(run(`od -An -c ${mnt}/p | tr -s ' '`), ' a b \\0 \\0 \\0 f g h \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0\n');
    const seek = `import os; f=os.open('${mnt}/r', os.O_RDONLY); print(os.lseek(f, 10, os.SEEK_DATA), os.lseek(f, 10, os.SEEK_HOLE))\n` +
      `try: os.lseek(f, 300000, os.SEEK_DATA)\nexcept OSError as e: print(e.strerror)`;
    assert.equal(run(`python3 -c "${seek}"`), '10 300000\nNo such device or address\n', 'SEEK_DATA/SEEK_HOLE: all data, ENXIO at the end');
    run(`rm ${mnt}/r ${mnt}/sparse ${mnt}/p`);
  });

  it('df shows logical used bytes; du counts file lengths', () => {
    const used = () => Number(run(`df -B1 --output=used ${mnt} | tail -1`));
    const before = used();
    run(`mkdir ${mnt}/du && dd if=/dev/zero of=${mnt}/du/a bs=1M count=10 status=none && head -c 1000000 /dev/zero > ${mnt}/du/b`);
    assert.equal(used() - before, 10 * 1024 * 1024 + 1003520, 'df grows by the files, in 4 KiB blocks');
    assert.equal(run(`du -s -B1 ${mnt}/du | cut -f1`), `${10 * 1024 * 1024 + Math.ceil(1e6 / 512) * 512}\n`);
    assert.equal(run(`du -s -b ${mnt}/du | cut -f1`), `${10 * 1024 * 1024 + 1e6}\n`);
    assert.match(run(`df -h ${mnt} | tail -1`), /^slicefs:fusetest\s+1\.0P\s/);
    run(`rm -r ${mnt}/du`);
    assert.equal(used(), before);
  });

  it('setfattr and getfattr: set, list, get, replace, remove; a value larger than the probe size', () => {
    run(`touch ${mnt}/x && setfattr -n user.color -v blue ${mnt}/x && setfattr -n user.big -v 0x${'ab'.repeat(3000)} ${mnt}/x`);
    assert.equal(run(`getfattr -n user.color --only-values ${mnt}/x`), 'blue');
    assert.equal(run(`getfattr -n user.big --only-values ${mnt}/x | wc -c`), '3000\n');
    assert.match(run(`getfattr -d ${mnt}/x`), /user\.big=0s[\s\S]*user\.color="blue"/);
    run(`setfattr -n user.color -v red ${mnt}/x && setfattr -x user.big ${mnt}/x`);
    assert.equal(run(`getfattr -d ${mnt}/x | grep user`), 'user.color="red"\n');
    assert.match(sh(`getfattr -n user.big ${mnt}/x`).err, /No such attribute/);
    assert.match(sh(`setfattr -n bogus.ns -v 1 ${mnt}/x`).err, /Operation not supported/);
    run(`rm ${mnt}/x`);
  });

  it('lists 2,500 entries across many READDIR replies (ls, find, ls -l) and removes them', () => {
    run(`mkdir ${mnt}/many && cd ${mnt}/many && seq -f 'file-with-a-longish-name-%05g' 1 2500 | xargs touch`);
    assert.equal(run(`ls ${mnt}/many | wc -l`), '2500\n');
    assert.equal(run(`ls -f ${mnt}/many | sort | uniq | wc -l`), '2502\n', 'each name once, plus . and ..');
    assert.equal(run(`find ${mnt}/many -type f | wc -l`), '2500\n');
    assert.equal(run(`ls -l ${mnt}/many | grep -c '^-rw'`), '2500\n');
    run(`rm -r ${mnt}/many`);
  });

  it("a directory listed again at once shows this mount's changes in between (names, modes, sizes)", () => {
    // Each `ls` opens the directory afresh: a listing just read may serve the next open, never across a change.
    const list = () => run(`ls -ln ${mnt}/again | awk 'NR > 1 { print $1, $5, $9 }'`);
    run(`mkdir ${mnt}/again && printf 12345 > ${mnt}/again/a`);
    assert.equal(list(), '-rw-r--r-- 5 a\n');
    assert.equal(list(), '-rw-r--r-- 5 a\n');
    run(`chmod 600 ${mnt}/again/a`);
    assert.equal(list(), '-rw------- 5 a\n');
    run(`printf 67 >> ${mnt}/again/a`);
    assert.equal(list(), '-rw------- 7 a\n');
    run(`touch ${mnt}/again/b`);
    assert.equal(list(), '-rw------- 7 a\n-rw-r--r-- 0 b\n');
    run(`rm ${mnt}/again/a`);
    assert.equal(list(), '-rw-r--r-- 0 b\n');
    run(`mv ${mnt}/again/b ${mnt}/again/c`);
    assert.equal(list(), '-rw-r--r-- 0 c\n');
    run(`rm -r ${mnt}/again`);
    assert.equal(sh(`ls ${mnt}/again`).code, 2);
  });

  it('an unlinked file stays readable through an open descriptor until it is closed', () => {
    run(`printf still-here > ${mnt}/gone`);
    assert.equal(run(`exec 3<${mnt}/gone; rm ${mnt}/gone; cat <&3; test ! -e ${mnt}/gone && echo " removed"`), 'still-here removed\n');
  });

  it('tar x and cp -p keep the times and modes they set, as a remount shows', async () => {
    // Both write a file, set its times through the descriptor (futimens) and close it: the
    // close's commit must not overwrite the time set after the write.
    const src = `${volume.dir}/times.src`;
    run(`mkdir -p ${src}/d && printf small > ${src}/small && head -c 100000 /dev/urandom > ${src}/d/big && chmod 640 ${src}/small && ` +
      `touch -d '2020-01-02 03:04:05' ${src}/small ${src}/d/big && touch -d '2019-05-06 07:08:09' ${src}/d`);
    run(`tar cf ${volume.dir}/times.tar -C ${src} . && mkdir ${mnt}/untarred && tar xf ${volume.dir}/times.tar -C ${mnt}/untarred`);
    run(`cp -p ${src}/small ${mnt}/copied`);
    const times = (dir: string) => run(`cd ${dir} && find . -mindepth 1 | sort | xargs stat -c '%n %Y %a %F'`);
    const want = times(src);
    await m.stop();
    m = await MountedVolume.start(volume.metaUrl, { mnt });
    assert.equal(times(`${mnt}/untarred`), want);
    assert.equal(sh(`diff -r ${src} ${mnt}/untarred`).code, 0);
    assert.equal(run(`stat -c '%Y %a' ${mnt}/copied`), run(`stat -c '%Y %a' ${src}/small`));
    run(`rm -r ${mnt}/untarred ${mnt}/copied ${src} ${volume.dir}/times.tar`);
  });

  it('writes 300 MiB with dd and reads back the same sha256 after a remount', async () => {
    const src = `${volume.dir}/big.src`;
    run(`head -c 300M /dev/urandom > ${src}`);
    const want = run(`sha256sum < ${src}`);
    run(`dd if=${src} of=${mnt}/big bs=1M status=none`);
    assert.equal(run(`sha256sum < ${mnt}/big`), want, 'read back through the same mount');
    await m.stop();
    m = await MountedVolume.start(volume.metaUrl, { mnt });
    assert.equal(run(`sha256sum < ${mnt}/big`), want, 'read back after a remount (no cache)');
    assert.equal(run(`stat -c %s ${mnt}/big`), `${300 * 1024 * 1024}\n`);
    run(`rm ${mnt}/big ${src}`);
  });
});
