// The randomized exerciser from the command line (README.md beside this file):
//   npm run torture -- --ops 20000 --seed 42              formats and mounts a temp volume
//   npm run torture -- --ops 5000 --seed 7 --dir /mnt/vol  any directory (a mount)
//   npm run torture -- --replay /tmp/torture-7.json --dir /mnt/vol   a saved failing list
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTempVolume, MountedVolume } from '../fuse/support/mounted-volume.js';
import { SyscallHelper } from '../posix/syscall-helper.js';
import { cloneMethodFor } from './clone-method.js';
import { exercise, type ExerciserResult } from './exerciser.js';
import type { Operation } from './operations.js';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '1000' },
    seed: { type: 'string' },
    dir: { type: 'string' },
    ref: { type: 'string' },
    files: { type: 'string', default: '3' },
    'max-size': { type: 'string', default: '8M' },
    'full-every': { type: 'string', default: '100' },
    'shrink-seconds': { type: 'string', default: '300' },
    replay: { type: 'string' },
  },
});

const size = (s: string) => {
  const m = /^(\d+)([KMG]?)$/i.exec(s);
  if (!m) throw new Error(`bad size ${s}`);
  return Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase());
};
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const log = (line: string) => console.log(line);
const controller = new AbortController();
process.on('SIGINT', () => {
  log('interrupted: stopping after this operation, then unmounting');
  controller.abort();
});

async function main(dir: string): Promise<ExerciserResult> {
  const refDir = values.ref ?? mkdtempSync(path.join(tmpdir(), 'slicefs-torture-ref-'));
  const helper = SyscallHelper.start();
  try {
    const replay = values.replay ? (JSON.parse(readFileSync(values.replay, 'utf8')) as Operation[]) : undefined;
    log(`torture: seed ${seed}, ${replay ? `replaying ${replay.length}` : values.ops} operations on ${values.files} files in ${dir} (reference: ${refDir})`);
    return await exercise({
      dir, refDir, seed, ops: Number(values.ops), replay,
      files: Number(values.files),
      maxSize: size(values['max-size']!),
      fullEvery: Number(values['full-every']),
      shrinkSeconds: Number(values['shrink-seconds']),
      helper,
      clone: await cloneMethodFor(dir, helper, log),
      log,
      signal: controller.signal,
    });
  } finally {
    await helper.close();
    // A failing run leaves its files (the exerciser said where); a passing one leaves nothing.
    if (!values.ref && readdirSync(refDir).length === 0) rmSync(refDir, { recursive: true, force: true });
  }
}

/** Runs on --dir, or on a temp volume mounted for the run (kept if the run fails). */
async function runSomewhere(): Promise<ExerciserResult> {
  if (values.dir) return main(values.dir);
  const volume = formatTempVolume();
  const mount = await MountedVolume.start(volume.metaUrl);
  let result: ExerciserResult | undefined;
  try {
    log(`torture: mounted a temp SQLite volume at ${mount.mnt}`);
    return (result = await main(mount.mnt));
  } finally {
    await mount.stop();
    if (result?.divergence) log(`the volume is kept, to look at the files left: slicefs mount ${volume.metaUrl} MOUNTPOINT`);
    else volume.remove();
  }
}

const result = await runSomewhere();
const mix = Object.entries(result.counts).map(([k, n]) => `${k} ${n}`).join(', ');
log(`${result.steps} operations in ${result.seconds.toFixed(1)} s (${(result.steps / result.seconds).toFixed(0)}/s): ${mix}`);
if (result.divergence) {
  if (result.shortestList) {
    const file = path.join(tmpdir(), `torture-${seed}.json`);
    writeFileSync(file, JSON.stringify(result.shortestList, null, 1));
    log(`the shortest failing list is saved: npm run torture -- --replay ${file} --seed ${seed} [--dir …]`);
  }
  log(`FAILED: seed ${seed}, operation #${result.divergence.step}: ${result.divergence.detail}`);
  process.exit(1);
}
log(`passed: seed ${seed}, no divergence${controller.signal.aborted ? ' (interrupted)' : ''}`);
