import { loadSdk } from '../load-sdk.js';
import type { CliIO, CommandDefinition } from '../command.js';
import { phaseReporter } from '../progress.js';

/** The terminal's counter; with --progress and no terminal, one line per page (what scripts and tests wait for). */
function progressOf(io: CliIO, lines: boolean) {
  if (io.err.isTTY || !lines) return phaseReporter(io);
  return { report: (phase: string, n: number) => void io.err.write(`dumping ${phase}: ${n} records\n`), stop() {} };
}

export const dump: CommandDefinition = {
  name: 'dump',
  args: '<META_URL> [FILE]',
  summary: "write the volume's metadata as JSON lines to FILE (.gz: gzip) or stdout ('-', the default); no object is read",
  options: [
    { flags: '--subdir <PATH>', description: 'dump only the tree under this directory; a load of it makes that tree the root' },
    { flags: '--progress', description: 'print a progress line to stderr per page, also when it is not a terminal', default: false },
    { flags: '--json', description: 'print a JSON summary (to stderr when the dump goes to stdout)', default: false },
  ],
  examples: [
    'slicefs dump sqlite3://./data/vol.db backup.json.gz',
    'slicefs dump postgres://postgres@127.0.0.1:5432/vol - | gzip > backup.json.gz',
    'slicefs dump redis://127.0.0.1:6379/1 projects.json --subdir /projects',
  ],
  async run([metaUrl, file], o, io) {
    const toStdout = file === undefined || file === '-';
    const progress = progressOf(io, Boolean(o.progress));
    try {
      const r = await (await loadSdk()).dumpVolume(metaUrl!, toStdout ? io.out : file, { subdir: o.subdir as string | undefined, onProgress: progress.report });
      progress.stop();
      const summary = toStdout ? io.err : io.out;
      if (o.json) summary.write(`${JSON.stringify(r, null, 2)}\n`);
      else if (!toStdout || io.err.isTTY) {
        summary.write(
          `dumped ${r.inodes} inodes, ${r.entries} entries, ${r.chunks} chunks, ${r.slices} slices${r.subdir ? ` of ${r.subdir}` : ''} ` +
            `(${r.consistency === 'snapshot' ? 'one snapshot' : 'no snapshot: read while the volume may change'})\n`,
        );
      }
    } finally {
      progress.stop();
    }
  },
};
