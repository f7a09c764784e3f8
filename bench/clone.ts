// Clone speed: files of growing size (flat is the point), and trees of 10k/100k small files
// beside `cp -r` on the local disk and `cp -r --reflink=always` on a loop-mounted XFS.
//   npm run bench:clone -- [--trees 10000,100000] [--files 1,1024,8192] [--engines sqlite3[,postgres,redis]]
// With --cp: only vol.cp(src, dst, { recursive: true }) beside vol.clone of the same tree (node:fs's cp is a clone on a volume).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { Volume } from '../src/sdk/index.js';

const { values } = parseArgs({
  options: {
    trees: { type: 'string', default: '10000,100000' },
    files: { type: 'string', default: '1,1024,8192' },
    engines: { type: 'string', default: 'sqlite3' },
    cp: { type: 'boolean', default: false },
  },
});
const MiB = 1024 * 1024;
const PER_DIR = 100;
const work = mkdtempSync(path.join(tmpdir(), 'slicefs-bench-clone-'));
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;
const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { stdio: 'pipe' }).toString();

/** The tree's layout: files of 1 KiB, 100 per directory, directories 100 per parent. */
function* treeFiles(n: number): Generator<{ dir: string; file: string }> {
  for (let i = 0; i < n; i++) {
    const leaf = Math.floor(i / PER_DIR);
    yield { dir: `d${Math.floor(leaf / PER_DIR)}/d${leaf}`, file: `f${i % PER_DIR}` };
  }
}

async function withVolume<T>(engineName: string, fn: (vol: Volume) => Promise<T>): Promise<T> {
  const engine = testEngines().find((e) => e.name === engineName);
  if (!engine) throw new Error(`engine ${engineName} is not available here`);
  const url = await engine.newUrl();
  const objects = mkdtempSync(path.join(work, 'objects-'));
  await Volume.format(url, 'bench', { storage: `file://${objects}/` });
  const vol = await Volume.open(url);
  try {
    return await fn(vol);
  } finally {
    await vol.close();
    await engine.cleanup(url);
    rmSync(objects, { recursive: true, force: true });
  }
}

async function buildVolumeTree(vol: Volume, n: number): Promise<void> {
  const data = Buffer.alloc(1024, 7);
  const dirs = new Map<string, string[]>();
  for (const { dir, file } of treeFiles(n)) (dirs.get(dir) ?? dirs.set(dir, []).get(dir)!).push(file);
  for (const [dir, files] of dirs) {
    await vol.mkdir(`/src/${dir}`, { recursive: true });
    await Promise.all(files.map((f) => vol.writeFile(`/src/${dir}/${f}`, data)));
  }
}

function buildDiskTree(root: string, n: number): void {
  const data = Buffer.alloc(1024, 7);
  let made = '';
  for (const { dir, file } of treeFiles(n)) {
    if (dir !== made) mkdirSync(path.join(root, dir), { recursive: true });
    made = dir;
    writeFileSync(path.join(root, dir, file), data);
  }
}

/** cp -r --reflink=always on a loop-mounted XFS with reflink, or undefined where that cannot be set up. */
function xfsReflinkSeconds(n: number): number | undefined {
  const img = path.join(work, 'xfs.img');
  const mnt = path.join(work, 'xfs');
  try {
    mkdirSync(mnt, { recursive: true });
    sh(`truncate -s ${Math.max(1024, Math.ceil((n * 8) / 1024) + 512)}M ${img} && mkfs.xfs -q -f -m reflink=1 ${img} && mount -o loop ${img} ${mnt}`);
  } catch {
    return undefined;
  }
  try {
    buildDiskTree(path.join(mnt, 'src'), n);
    sh('sync');
    const t = process.hrtime.bigint();
    sh(`cp -r --reflink=always ${mnt}/src ${mnt}/dst`);
    return seconds(t);
  } finally {
    sh(`umount ${mnt} || umount -l ${mnt}`);
    rmSync(img, { force: true });
  }
}

/** vol.cp of a tree beside vol.clone of it, on one volume per engine. */
async function cpBesideClone(engines: string[]): Promise<void> {
  console.log('tree cp (recursive) beside clone: 1 KiB files, 100 per directory');
  console.log('engine | files | clone s | cp s | cp / clone');
  for (const n of values.trees!.split(',').map(Number)) {
    for (const engine of engines) {
      await withVolume(engine, async (vol) => {
        await buildVolumeTree(vol, n);
        let t = process.hrtime.bigint();
        await vol.clone('/src', '/dst-clone');
        const clone = seconds(t);
        t = process.hrtime.bigint();
        await vol.cp('/src', '/dst-cp', { recursive: true });
        const cp = seconds(t);
        console.log([engine, n, clone.toFixed(3), cp.toFixed(3), (cp / clone).toFixed(2)].join(' | '));
      });
    }
  }
}

try {
  const engines = values.engines!.split(',');
  console.log(`bench:clone — engines: ${engines.join(', ')}; work dir ${work}\n`);
  if (values.cp) {
    await cpBesideClone(engines);
    process.exit(0);
  }

  console.log('file clone (SDK, SQLite): the time should not grow with the size');
  console.log('size        clone ms (mean of 5)');
  await withVolume('sqlite3', async (vol) => {
    for (const mib of values.files!.split(',').map(Number)) {
      const h = await vol.open(`/file-${mib}`, 'w');
      const piece = Buffer.alloc(MiB, 3);
      for (let i = 0; i < mib; i++) await h.write(piece);
      await h.close();
      const t = process.hrtime.bigint();
      for (let i = 0; i < 5; i++) await vol.clone(`/file-${mib}`, `/file-${mib}-clone-${i}`);
      console.log(`${`${mib} MiB`.padEnd(11)} ${((seconds(t) / 5) * 1000).toFixed(2).padStart(8)}`);
      for (let i = 0; i < 5; i++) await vol.unlink(`/file-${mib}-clone-${i}`);
      await vol.unlink(`/file-${mib}`);
      await vol.settle();
    }
  });

  console.log('\ntree clone: 1 KiB files, 100 per directory');
  const header = ['files', ...engines.flatMap((e) => [`${e} s`, `${e} entries/s`]), 'consistent s', 'cp -r s', 'xfs reflink s', 'cp -r / slicefs', 'reflink / slicefs'];
  console.log(header.join(' | '));
  for (const n of values.trees!.split(',').map(Number)) {
    const row: string[] = [String(n)];
    let first = 0;
    let consistent = 0;
    for (const engine of engines) {
      await withVolume(engine, async (vol) => {
        await buildVolumeTree(vol, n);
        const t = process.hrtime.bigint();
        await vol.clone('/src', '/dst');
        const s = seconds(t);
        first ||= s;
        row.push(s.toFixed(3), Math.round((n * 1.0101) / s).toString());
        if (engine === engines[0]) {
          const t2 = process.hrtime.bigint();
          await vol.clone('/src', '/dst-consistent', { consistent: true });
          consistent = seconds(t2);
        }
      });
    }
    const disk = path.join(work, 'disk');
    buildDiskTree(path.join(disk, 'src'), n);
    sh('sync');
    const t = process.hrtime.bigint();
    sh(`cp -r ${disk}/src ${disk}/dst`);
    const cp = seconds(t);
    rmSync(disk, { recursive: true, force: true });
    const reflink = xfsReflinkSeconds(n);
    row.push(consistent.toFixed(3), cp.toFixed(3), reflink === undefined ? 'n/a' : reflink.toFixed(3));
    row.push((cp / first).toFixed(1), reflink === undefined ? 'n/a' : (reflink / first).toFixed(1));
    console.log(row.join(' | '));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
