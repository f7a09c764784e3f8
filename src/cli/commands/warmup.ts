import { warmupThroughMount } from '../../fuse/control-client.js';
import { CodedError, FsError } from '../../errors/index.js';
import type { WarmupReport } from '../../sdk/index.js';
import { formatBytes, parseSize } from '../../sdk/sizes.js';
import { loadSdk } from '../load-sdk.js';
import type { CliIO, CommandDefinition } from '../command.js';
import { eachPath, interruptible, type PathJob } from '../path-jobs.js';
import { type Progress, progressBar } from '../progress.js';

/** The bar on a terminal; with --progress and no terminal, one line per update. */
function progressOf(io: CliIO, path: string, lines: boolean): Progress {
  if (io.err.isTTY || !lines) return progressBar(io, `warming ${path}`);
  return { update: (done, total) => void io.err.write(`warming ${path}: ${done}/${total ?? done} bytes\n`), stop() {} };
}

function reporter(io: CliIO, json: boolean) {
  return (path: string, r: WarmupReport, seconds: number) => {
    if (json) return void io.out.write(`${JSON.stringify({ path, ...r, seconds })}\n`);
    const skipped = r.skipped ? `, ${r.skipped} files skipped (no read permission)` : '';
    io.out.write(`warmed ${path}: ${r.files} files, ${r.blocks} blocks, ${formatBytes(r.bytes)}: ${formatBytes(r.fetchedBytes)} fetched, ${formatBytes(r.cachedBytes)} already cached${skipped} in ${seconds.toFixed(2)} s\n`);
  };
}

/** Volume paths warmed in-process (`--meta`), into the disk cache at `--cache-dir`. */
async function warmWithMeta(metaUrl: string, paths: string[], job: Omit<PathJob<WarmupReport>, 'work'> & { cacheDir: string; cacheDirSize: number }): Promise<void> {
  const { Volume } = await loadSdk();
  const volume = await Volume.open(metaUrl, { program: 'slicefs warmup', cacheDir: job.cacheDir, cacheDirSize: job.cacheDirSize, readOnly: true });
  const interrupted = () => new FsError('EINTR', { syscall: 'warmup', detail: 'interrupted; what was fetched stays cached' });
  try {
    await interruptible(interrupted, (signal) => eachPath(paths, { ...job, work: (path, onProgress) => volume.warmup(path, { signal, onProgress }) }));
  } finally {
    await volume.close();
  }
}

export const warmup: CommandDefinition = {
  name: 'warmup',
  args: '<PATH...>',
  summary: "fetch the blocks of every file under PATH into the disk cache (a mount's --cache-dir)",
  options: [
    { flags: '--meta <META_URL>', description: 'the volume, when the paths are volume paths (needs --cache-dir; without it they are paths on a mount)' },
    { flags: '--cache-dir <DIR>', description: 'with --meta: the disk cache to fill (the one a mount of the volume uses)' },
    { flags: '--cache-dir-size <SIZE>', description: 'with --meta: bytes that cache keeps', default: '10G' },
    { flags: '--progress', description: 'print progress lines (bytes done/total) to stderr also when it is not a terminal', default: false },
    { flags: '--json', description: 'print one JSON line per path: files, blocks, bytes, fetchedBytes, cachedBytes, skipped, seconds', default: false },
  ],
  examples: [
    'slicefs warmup /mnt/vol/datasets/v1',
    'slicefs warmup /mnt/vol/models /mnt/vol/datasets/v1/train --json',
    'slicefs warmup --meta redis://127.0.0.1:6379/1 --cache-dir /var/cache/slicefs /datasets/v1',
  ],
  async run(paths, o, io) {
    const report = reporter(io, Boolean(o.json));
    const bar = (path: string) => progressOf(io, path, Boolean(o.progress));
    if (o.meta) {
      if (o.cacheDir === undefined) throw new CodedError('ERR_BAD_OPTION', '--meta needs --cache-dir: the disk cache to fill', { subject: '--cache-dir' });
      const cacheDirSize = parseSize(String(o.cacheDirSize), '--cache-dir-size');
      return warmWithMeta(o.meta as string, paths, { cacheDir: o.cacheDir as string, cacheDirSize, bar, report });
    }
    if (o.cacheDir !== undefined) throw new CodedError('ERR_BAD_OPTION', '--cache-dir goes with --meta: on a mount, the mount\'s own cache is warmed', { subject: '--cache-dir' });
    await eachPath(paths, { bar, report, work: (path, onProgress) => warmupThroughMount(path, onProgress) as unknown as WarmupReport });
  },
};
