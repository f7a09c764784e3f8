import { FsError } from '../../errors/index.js';
import { rmrThroughMount } from '../../fuse/rmr-client.js';
import { loadSdk } from '../load-sdk.js';
import type { CliIO, CommandDefinition } from '../command.js';
import { progressBar } from '../progress.js';
import { wholeNumber } from '../whole-number.js';

/** Removes volume paths in-process (`--meta`); Ctrl-C stops between batches. */
async function rmrWithMeta(metaUrl: string, paths: string[], spec: { batchSize: number; io: CliIO; report: (path: string, n: number, s: number) => void }): Promise<void> {
  const { Volume } = await loadSdk();
  const volume = await Volume.open(metaUrl, { program: 'slicefs rmr' });
  const controller = new AbortController();
  const onSignal = () => controller.abort(new FsError('EINTR', { syscall: 'rmr', detail: 'interrupted; what was removed stays removed, the rest is intact' }));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const path of paths) {
      const bar = progressBar(spec.io, `removing ${path}`);
      const started = Date.now();
      try {
        const n = await volume.rmr(path, { batchSize: spec.batchSize, signal: controller.signal, onProgress: (done, total) => bar.update(done, total) });
        bar.stop();
        spec.report(path, n, (Date.now() - started) / 1000);
      } catch (err) {
        throw controller.signal.aborted && controller.signal.reason ? controller.signal.reason : err;
      } finally {
        bar.stop();
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
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
    if (o.meta) return rmrWithMeta(o.meta as string, paths, { batchSize, io, report });
    for (const path of paths) {
      const bar = progressBar(io, `removing ${path}`);
      const started = Date.now();
      try {
        const entries = rmrThroughMount(path, { batchSize, onProgress: (done, total) => bar.update(done, total) });
        bar.stop();
        report(path, entries, (Date.now() - started) / 1000);
      } finally {
        bar.stop();
      }
    }
  },
};
