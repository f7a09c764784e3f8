// The FUSE mount beside bindfs (a passthrough FUSE file system in C) and the local disk, in one
// run: sequential dd write and read of a large file (cold: after a remount and dropping the page
// cache; warm: read again at once), `cp` of that file (on slicefs a metadata clone through
// copy_file_range: its time and the objects it added), and create+stat+unlink of many small files.
//   npm run bench:fuse -- [--size-mib 4096] [--files 10000] [--dir /path/on/disk] [--thread-pool]
// --thread-pool adds a second slicefs mount that reads /dev/fuse on the thread pool (the fallback
// request source) instead of the event loop, to keep the figure behind that choice.
// Needs root, /dev/fuse and bindfs (apt-get install -y fuse3 bindfs); runs the built binary.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Volume } from '../src/sdk/index.js';

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '4096' },
    files: { type: 'string', default: '10000' },
    dir: { type: 'string', default: tmpdir() },
    'thread-pool': { type: 'boolean', default: false },
  },
});
const SIZE_MIB = Number(values['size-mib']);
const FILES = Number(values.files);
const BIN = path.resolve('bin/slicefs.js');
const work = mkdtempSync(path.join(values.dir!, 'slicefs-bench-fuse-'));

const mountedAt = (mnt: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === mnt);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dropCaches = () => execFileSync('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches']);

/** One file system under test: how to (re)mount it and where it is. */
interface Target {
  name: string;
  dir: string;
  mount(): Promise<void>;
  unmount(): Promise<void>;
  /** Objects in its store (slicefs only). */
  objects?(): number;
}

/** Files under `dir`, recursively. */
const filesUnder = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

function slicefsTarget(reads: 'event-loop' | 'thread-pool'): Target {
  const name = reads === 'event-loop' ? 'slicefs' : 'slicefs-pool';
  const metaUrl = `sqlite3://${work}/${name}/meta.db`;
  const mnt = path.join(work, `${name}-mnt`);
  mkdirSync(mnt);
  execFileSync(process.execPath, [BIN, 'format', metaUrl, 'bench', '--storage', `file://${work}/${name}/objects/`], { stdio: 'ignore' });
  let proc: ReturnType<typeof spawn> | undefined;
  const env = { ...process.env, UV_THREADPOOL_SIZE: '16', SLICEFS_MOUNT_PROCESS: '1', SLICEFS_DEVICE_READS: reads };
  return {
    name,
    dir: mnt,
    async mount() {
      proc = spawn(process.execPath, [BIN, 'mount', metaUrl, mnt], { stdio: 'ignore', env });
      for (let i = 0; !mountedAt(mnt) || !statSync(mnt).isDirectory(); i++) {
        if (i > 200) throw new Error('slicefs mount did not come up');
        await sleep(50);
      }
    },
    async unmount() {
      execFileSync('umount', [mnt]);
      if (proc && proc.exitCode === null) await new Promise((r) => proc!.once('exit', r));
    },
    objects: () => filesUnder(`${work}/${name}/objects/chunks`),
  };
}

function bindfsTarget(): Target {
  const src = path.join(work, 'bindfs-src');
  const mnt = path.join(work, 'bindfs-mnt');
  mkdirSync(src);
  mkdirSync(mnt);
  return {
    name: 'bindfs',
    dir: mnt,
    async mount() {
      execFileSync('bindfs', [src, mnt]);
    },
    async unmount() {
      execFileSync('umount', [mnt]);
    },
  };
}

function localTarget(): Target {
  const dir = path.join(work, 'local');
  mkdirSync(dir);
  return { name: 'local disk', dir, mount: async () => undefined, unmount: async () => undefined };
}

function seconds<T>(fn: () => T): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const dd = (args: string[]) => execFileSync('dd', [...args, 'bs=1M', 'status=none']);

/** Sequential MB/s (write, cold read, warm read) and small-file ops/s of one target. */
async function measure(t: Target): Promise<Record<string, number>> {
  const file = () => path.join(t.dir, 'big');
  const mb = (SIZE_MIB * 1024 * 1024) / 1e6;
  // Each target starts with no dirty pages: past ~2 GB of them the kernel throttles every writer to disk speed.
  execFileSync('sync');
  await t.mount();
  const write = mb / seconds(() => dd(['if=/dev/zero', `of=${file()}`, `count=${SIZE_MIB}`]));
  execFileSync('sync');
  const fsync = mb / seconds(() => dd(['if=/dev/zero', `of=${file()}-fsync`, `count=${SIZE_MIB}`, 'conv=fsync']));
  unlinkSync(`${file()}-fsync`);
  await t.unmount();
  dropCaches();
  await t.mount();
  const cold = mb / seconds(() => dd([`if=${file()}`, 'of=/dev/null']));
  const warm = mb / seconds(() => dd([`if=${file()}`, 'of=/dev/null']));
  const objectsBefore = t.objects?.() ?? 0;
  const cp = 1000 * seconds(() => execFileSync('cp', [file(), `${file()}-copy`]));
  const cpObjects = (t.objects?.() ?? 0) - objectsBefore;
  if (statSync(`${file()}-copy`).size !== statSync(file()).size) throw new Error(`cp on ${t.name} made a copy of the wrong size`);
  unlinkSync(`${file()}-copy`);
  unlinkSync(file());

  execFileSync('sync');
  const dir = path.join(t.dir, 'small');
  mkdirSync(dir);
  const names = Array.from({ length: FILES }, (_, i) => path.join(dir, `f${i}`));
  const create = seconds(() => names.forEach((n) => closeSync(openSync(n, 'w'))));
  const stat = seconds(() => names.forEach((n) => statSync(n)));
  const unlink = seconds(() => names.forEach((n) => unlinkSync(n)));
  rmSync(dir, { recursive: true });
  await t.unmount();
  return { write, fsync, cold, warm, cp, cpObjects, create: FILES / create, stat: FILES / stat, unlink: FILES / unlink, files: (3 * FILES) / (create + stat + unlink) };
}

/** The same small-file work through the SDK on a fresh volume: the metadata cost without FUSE. */
async function sdkSmallFiles(): Promise<Record<string, number>> {
  const metaUrl = `sqlite3://${work}/sdk/meta.db`;
  await Volume.format(metaUrl, 'bench-sdk', { storage: `file://${work}/sdk/objects/` });
  const vol = await Volume.open(metaUrl);
  try {
    await vol.mkdir('/small');
    const names = Array.from({ length: FILES }, (_, i) => `/small/f${i}`);
    const time = async (fn: (name: string) => Promise<unknown>) => {
      const t = process.hrtime.bigint();
      for (const name of names) await fn(name);
      return Number(process.hrtime.bigint() - t) / 1e9;
    };
    const create = await time(async (name) => (await vol.open(name, 'w')).close());
    const stat = await time((name) => vol.stat(name));
    const unlink = await time((name) => vol.unlink(name));
    return { create: FILES / create, stat: FILES / stat, unlink: FILES / unlink, files: (3 * FILES) / (create + stat + unlink) };
  } finally {
    await vol.close();
  }
}

const targets = [slicefsTarget('event-loop'), ...(values['thread-pool'] ? [slicefsTarget('thread-pool')] : []), bindfsTarget(), localTarget()];
try {
  const results: Record<string, Record<string, number>> = {};
  for (const t of targets) {
    process.stderr.write(`measuring ${t.name}…\n`);
    results[t.name] = await measure(t);
  }
  process.stderr.write('measuring the SDK (no FUSE)…\n');
  const sdk = await sdkSmallFiles();
  const [ours, bind, local, pool] = ['slicefs', 'bindfs', 'local disk', 'slicefs-pool'].map((name) => results[name]);
  const rows: Array<[string, string, number]> = [
    ['write', `dd bs=1M, ${SIZE_MIB} MiB (MB/s)`, 0.7],
    ['fsync', `dd bs=1M conv=fsync, ${SIZE_MIB} MiB (MB/s)`, 0.7],
    ['cold', 'read after remount + drop_caches (MB/s)', 0.7],
    ['warm', 'read again (MB/s)', 0.7],
    ['create', `create ${FILES} empty files (ops/s)`, 0.5],
    ['stat', 'stat them (ops/s)', 0.5],
    ['unlink', 'unlink them (ops/s)', 0.5],
    ['files', 'create+stat+unlink overall (ops/s)', 0.5],
  ];
  console.log(`bench:fuse — ${new Date().toISOString().slice(0, 10)}, ${SIZE_MIB} MiB file, ${FILES} files, on ${values.dir}`);
  const poolHead = pool ? ' slicefs, thread-pool reads |' : '';
  console.log(`| operation | slicefs mount | bindfs | local disk | slicefs / bindfs | target | SDK, no FUSE |${poolHead}`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|${pool ? '---:|' : ''}`);
  for (const [key, label, target] of rows) {
    const ratio = ours![key]! / bind![key]!;
    const cells = [ours![key]!, bind![key]!, local![key]!].map((v) => v.toFixed(0));
    const direct = sdk[key] === undefined ? '' : sdk[key]!.toFixed(0);
    const poolCell = pool ? ` ${pool[key]!.toFixed(0)} |` : '';
    console.log(`| ${label} | ${cells.join(' | ')} | ${ratio.toFixed(2)} | ≥ ${target} ${ratio >= target ? '✓' : '✗'} | ${direct} |${poolCell}`);
  }
  const cpTarget = 50;
  console.log(
    `\ncp of the ${SIZE_MIB} MiB file (ms): slicefs ${ours!.cp!.toFixed(1)} (${ours!.cpObjects} objects added), ` +
      `bindfs ${bind!.cp!.toFixed(0)}, local disk ${local!.cp!.toFixed(0)}; target < ${cpTarget} ms ${ours!.cp! < cpTarget ? '✓' : '✗'}`,
  );
} finally {
  for (const t of targets) if (mountedAt(t.dir)) spawnSync('umount', ['-l', t.dir]);
  rmSync(work, { recursive: true, force: true });
}
