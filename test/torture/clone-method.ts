import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mountOf } from '../../src/fuse/mount-table.js';
import type { SyscallHelper } from '../posix/syscall-helper.js';
import type { CloneMethod } from './side.js';

export type { CloneMethod };

const BIN = path.resolve('bin/slicefs.js');

/** A whole-file copy by copy_file_range(2) into a new file: the reference side's clone. */
export function copyWholeFile(helper: SyscallHelper): CloneMethod {
  return async (from, to) => {
    fs.closeSync(fs.openSync(to, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644));
    const size = fs.statSync(from).size;
    if (size > 0) await helper.call('copy_file_range', from, 0, to, 0, size);
  };
}

/** `slicefs clone SRC DST` on mount paths (DESIGN §3.11: carried out by the mount process). */
const cliClone: CloneMethod = async (from, to) => {
  const r = spawnSync(process.execPath, [BIN, 'clone', from, to], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw Object.assign(new Error(`slicefs clone ${from} ${to}: ${r.stderr.trim()}`), { code: 'ECLONE' });
};

/**
 * `slicefs clone` on a slicefs mount, checked once on a probe file. A mount whose clone fails or
 * copies wrongly fails here: the exerciser must never quietly test another method instead.
 */
export async function mountCloneMethod(dir: string): Promise<CloneMethod> {
  const src = path.join(dir, `.clone-probe-${process.pid}`);
  const dst = `${src}-copy`;
  fs.writeFileSync(src, 'probe');
  try {
    await cliClone(src, dst);
    const copied = fs.readFileSync(dst, 'utf8');
    if (copied !== 'probe') throw new Error(`slicefs clone on ${dir} made a wrong copy: ${JSON.stringify(copied)}`);
  } finally {
    fs.rmSync(src, { force: true });
    fs.rmSync(dst, { force: true });
  }
  return cliClone;
}

/**
 * How the command line exerciser clones in `dir`: `slicefs clone` on a slicefs mount (and a failure
 * there stops the run), copy_file_range of whole files on any other file system (said in the log).
 */
export async function cloneMethodFor(dir: string, helper: SyscallHelper, log: (line: string) => void): Promise<CloneMethod> {
  const fstype = mountOf(fs.realpathSync(dir))?.fstype;
  if (fstype === 'fuse.slicefs') return mountCloneMethod(dir);
  log(`clone: ${dir} is on ${fstype ?? 'an unknown file system'}, not a slicefs mount; cloning by copy_file_range of whole files`);
  return copyWholeFile(helper);
}
