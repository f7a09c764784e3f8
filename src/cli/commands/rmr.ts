import { FsError } from '../../errors/index.js';
import { rmrThroughMount } from '../../fuse/rmr-client.js';
import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';
import { eachPath, interruptible, type PathJob } from '../path-jobs.js';
import { progressBar } from '../progress.js';
import { wholeNumber } from '../whole-number.js';

/** Removes volume paths in-process (`--meta`); Ctrl-C stops between batches. */
async function rmrWithMeta(metaUrl: string, paths: string[], job: Omit<PathJob<number>, 'work'> & { batchSize: number }): Promise<void> {
  const { Volume } = await loadSdk();
  const volume = await Volume.open(metaUrl, { program: 'slicefs rmr' });
  const interrupted = () => new FsError('EINTR', { syscall: 'rmr', detail: 'interrupted; what was removed stays removed, the rest is intact' });
  try {
    await interruptible(interrupted, (signal) =>
      eachPath(paths, { ...job, work: (path, onProgress) => volume.rmr(path, { batchSize: job.batchSize, signal, onProgress }) }),
    );
  } finally {
    await volume.close();
  }
}

export const rmr: CommandDefinition = {
  name: 'rmr',
  args: '<PATH...>',
  summary: 'remove trees inside the metadata engine, in batches, without walking them through FUSE',
  options: [
    { flags: '--meta <META_URL>', description: 'the volume, when the paths are volume paths (without it they are paths on a mount)' },
    { flags: '--batch-size <N>', description: 'entries per transaction', default: '2000' },
    { flags: '--json', description: 'print one JSON line per path: path, entries, seconds', default: false },
  ],
  examples: [
    'slicefs rmr /mnt/vol/scratch/run-42',
    'slicefs rmr /mnt/vol/tmp/a /mnt/vol/tmp/b --json',
    'slicefs rmr --meta sqlite3://./data/vol.db /datasets/old',
  ],
  async run(paths, o, io) {
    const batchSize = wholeNumber(o.batchSize, '--batch-size', 1);
    const report = (path: string, entries: number, seconds: number) => {
      if (o.json) io.out.write(`${JSON.stringify({ path, entries, seconds })}\n`);
      else if (io.out.isTTY) io.out.write(`removed ${path}: ${entries} entries in ${seconds.toFixed(2)} s\n`);
    };
    const bar = (path: string) => progressBar(io, `removing ${path}`);
    if (o.meta) return rmrWithMeta(o.meta as string, paths, { batchSize, bar, report });
    await eachPath(paths, { bar, report, work: (path, onProgress) => rmrThroughMount(path, { batchSize, onProgress }) });
  },
};
