import { CodedError, FsError } from '../../errors/index.js';
import { cloneThroughMount } from '../../fuse/control-client.js';
import { checkCloneOptions, DEFAULT_CLONE_BATCH_SIZE } from '../../meta/clone/clone-options.js';
import type { CliIO, CommandDefinition } from '../command.js';
import { loadSdk } from '../load-sdk.js';
import { interruptible } from '../path-jobs.js';
import { type Progress, progressBar } from '../progress.js';

export const clone: CommandDefinition = {
  name: 'clone',
  args: '<SRC> <DST>',
  summary: 'copy a file or tree by copying metadata only (copy-on-write)',
  options: [
    { flags: '--meta <META_URL>', description: 'the volume, when SRC and DST are volume paths (without it they are paths on a mount)' },
    { flags: '-p, --preserve', description: 'keep mode, owner, group and times', default: false },
    { flags: '--consistent', description: 'clone a directory as of one instant (SQL engines; writers wait)', default: false },
    { flags: '--batch-size <N>', description: 'entries per transaction of a directory clone', default: String(DEFAULT_CLONE_BATCH_SIZE) },
    { flags: '--progress', description: 'print a progress line (entries done/total) to stderr as the clone goes, also when it is not a terminal', default: false },
  ],
  examples: [
    'slicefs clone /mnt/vol/datasets/v1 /mnt/vol/datasets/v1-experiment',
    'slicefs clone --meta sqlite3://./data/slicefs.db /datasets/v1 /datasets/v1-experiment',
    'slicefs clone --meta redis://127.0.0.1:6379/1 -p /models/base.bin /models/base-copy.bin',
  ],
  async run([src, dst], o, io) {
    // Digits become a number; anything else reaches the check as typed, which names it.
    const batchSize = (/^\d+$/.test(String(o.batchSize)) ? Number(o.batchSize) : o.batchSize) as number;
    try {
      checkCloneOptions({ preserve: Boolean(o.preserve), consistent: Boolean(o.consistent), batchSize }, { batchSize: '--batch-size' });
    } catch (err) {
      // A bad flag is a usage error (exit 2), as for every command, not an errno of the volume.
      if (err instanceof FsError && err.detail) throw new CodedError('ERR_BAD_OPTION', err.detail, { subject: '--batch-size' });
      throw err;
    }
    const bar = progressOf(io, Boolean(o.progress));
    if (!o.meta) return void cloneOnMount({ src: src!, dst: dst!, preserve: Boolean(o.preserve), consistent: Boolean(o.consistent), batchSize }, { io, bar });
    const { Volume } = await loadSdk();
    const volume = await Volume.open(o.meta as string, { program: 'slicefs clone' });
    const interrupted = () => new FsError('EINTR', { syscall: 'clone', path: src, dest: dst, detail: 'interrupted; the partial copy was removed' });
    const started = Date.now();
    let entries = 0;
    try {
      await interruptible(interrupted, (signal) =>
        volume.clone(src!, dst!, {
          preserve: Boolean(o.preserve),
          consistent: Boolean(o.consistent),
          batchSize,
          signal,
          onProgress: (done, total) => {
            entries = done;
            bar.update(done, total);
          },
        }),
      );
      bar.stop();
      if (io.out.isTTY) io.out.write(`cloned ${src} to ${dst}: ${entries} entries in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    } finally {
      bar.stop();
      await volume.close();
    }
  },
};

/**
 * Clone of paths on a mount, carried out by the mount process (DESIGN §3.11). Ctrl-C ends this
 * process; the mount sees its `.control` handle close and removes the partial copy.
 */
function cloneOnMount(spec: { src: string; dst: string; preserve: boolean; consistent: boolean; batchSize: number }, { io, bar }: { io: CliIO; bar: Progress }): void {
  const started = Date.now();
  try {
    const entries = cloneThroughMount(spec, (done, total) => bar.update(done, total));
    bar.stop();
    if (io.out.isTTY) io.out.write(`cloned ${spec.src} to ${spec.dst}: ${entries} entries in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
  } finally {
    bar.stop();
  }
}

/** The bar on a terminal; with --progress and no terminal, one line per update (what scripts and tests wait for). */
function progressOf(io: CliIO, lines: boolean): Progress {
  if (io.err.isTTY || !lines) return progressBar(io, 'cloning');
  return { update: (done, total) => void io.err.write(`cloning: ${done}/${total ?? done} entries\n`), stop() {} };
}
