import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
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
 * How to clone files in `dir`: `slicefs clone` when it works on mount paths, else (with a note)
 * copy_file_range of the whole file, which the mount also turns into shared slices once its
 * COPY_FILE_RANGE lands.
 */
export async function cloneMethodFor(dir: string, helper: SyscallHelper, log: (line: string) => void): Promise<CloneMethod> {
  const src = path.join(dir, `.clone-probe-${process.pid}`);
  const dst = `${src}-copy`;
  fs.writeFileSync(src, 'probe');
  try {
    await cliClone(src, dst);
    if (fs.readFileSync(dst, 'utf8') === 'probe') return cliClone;
    log('clone: slicefs clone made a wrong copy; using copy_file_range of whole files');
  } catch (err) {
    // TODO(clone through a mount, DESIGN §3.11): drop the fallback once `slicefs clone` works on mount paths.
    log(`clone: \`slicefs clone\` on mount paths does not work yet (${(err as Error).message.split('\n')[0]}); using copy_file_range of whole files`);
  } finally {
    fs.rmSync(src, { force: true });
    fs.rmSync(dst, { force: true });
  }
  return copyWholeFile(helper);
}
