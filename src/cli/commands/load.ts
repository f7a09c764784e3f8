import { loadSdk } from '../load-sdk.js';
import type { CliIO, CommandDefinition } from '../command.js';
import { phaseReporter } from '../progress.js';
import { wholeNumber } from '../whole-number.js';

/** The terminal's counter; with --progress and no terminal, one line per committed batch (what scripts and tests wait for). */
function progressOf(io: CliIO, lines: boolean) {
  if (io.err.isTTY || !lines) {
    const p = phaseReporter(io);
    return { report: (n: number) => p.report('records loaded', n), stop: () => p.stop() };
  }
  return { report: (n: number) => void io.err.write(`loaded: ${n} records\n`), stop() {} };
}

export const load: CommandDefinition = {
  name: 'load',
  args: '<META_URL> [FILE]',
  summary: "load a dump from FILE (.gz: gunzip) or stdin ('-', the default) into an empty engine of any kind",
  options: [
    { flags: '--restart', description: 'discard an interrupted load found in the target, then load', default: false },
    { flags: '--batch-size <N>', description: 'records per transaction', default: '2000' },
    { flags: '--progress', description: 'print a progress line to stderr per committed batch, also when it is not a terminal', default: false },
    { flags: '--json', description: 'print a JSON summary', default: false },
  ],
  examples: [
    'slicefs load postgres://postgres@127.0.0.1:5432/vol2 backup.json.gz',
    'gunzip -c backup.json.gz | slicefs load redis://127.0.0.1:6379/2 -',
    'slicefs load sqlite3://./data/vol2.db backup.json.gz --restart   # after an interrupted load',
  ],
  async run([metaUrl, file], o, io) {
    const batchSize = wholeNumber(o.batchSize, '--batch-size', 1);
    const fromStdin = file === undefined || file === '-';
    const progress = progressOf(io, Boolean(o.progress));
    try {
      const r = await (await loadSdk()).loadVolume(metaUrl!, fromStdin ? process.stdin : file, { restart: Boolean(o.restart), batchSize, onProgress: progress.report });
      progress.stop();
      if (o.json) io.out.write(`${JSON.stringify(r, null, 2)}\n`);
      else io.out.write(`loaded ${r.inodes} inodes, ${r.entries} entries, ${r.chunks} chunks, ${r.slices} slices in ${r.batches} transactions\n`);
    } finally {
      progress.stop();
    }
  },
};
