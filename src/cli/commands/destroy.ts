import { createInterface } from 'node:readline/promises';
import { redactUrl } from '../../errors/index.js';
import { FsError } from '../../errors/index.js';
import { loadSdk } from '../load-sdk.js';
import type { CliIO, CommandDefinition } from '../command.js';
import { progressBar } from '../progress.js';

/** Asks on the terminal; true only for y or yes. */
async function confirm(io: CliIO, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: io.err as NodeJS.WritableStream });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export const destroy: CommandDefinition = {
  name: 'destroy',
  args: '<META_URL> <UUID>',
  summary: 'delete a volume for good: all its objects and all its metadata (refused while clients are connected)',
  options: [
    { flags: '--yes', description: 'do not ask for confirmation (needed when stdin is not a terminal)', default: false },
    { flags: '--json', description: 'print the result as JSON', default: false },
  ],
  examples: [
    'slicefs status sqlite3://./data/vol.db   # shows the UUID',
    'slicefs destroy sqlite3://./data/vol.db 3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b',
    'slicefs destroy redis://127.0.0.1:6379/1 3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b --yes --json',
  ],
  async run([metaUrl, uuid], o, io) {
    const { destroyVolume, volumeConfig } = await loadSdk();
    const settings = await volumeConfig(metaUrl!);
    if (uuid !== settings.uuid) {
      throw new FsError('EINVAL', { syscall: 'destroy', path: redactUrl(metaUrl!), detail: `${uuid} is not the volume's UUID (slicefs status shows it)` });
    }
    if (!o.yes) {
      if (!process.stdin.isTTY) throw new FsError('EINVAL', { syscall: 'destroy', detail: 'not on a terminal: pass --yes to confirm' });
      io.err.write(
        `volume ${settings.name} (uuid ${settings.uuid})\nmetadata: ${redactUrl(metaUrl!)}\nstorage:  ${redactUrl(settings.storage)}\n` +
          'This deletes every object in the storage and every entry in the metadata engine, for good.\n',
      );
      if (!(await confirm(io, 'Proceed? [y/N]: '))) throw new FsError('ECANCELED', { syscall: 'destroy', detail: 'not confirmed; nothing deleted' });
    }
    const bar = progressBar(io, 'deleting objects');
    try {
      const report = await destroyVolume(metaUrl!, uuid!, { onProgress: (phase, n) => phase === 'objects' && bar.update(n) });
      bar.stop();
      if (o.json) io.out.write(`${JSON.stringify({ name: report.settings.name, uuid: report.settings.uuid, objects: report.objects }, null, 2)}\n`);
      else io.out.write(`destroyed volume ${report.settings.name} (uuid ${report.settings.uuid}): ${report.objects} objects and its metadata deleted\n`);
    } finally {
      bar.stop();
    }
  },
};
