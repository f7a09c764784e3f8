import { redactUrl } from '../../errors/index.js';
import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';

export const format: CommandDefinition = {
  name: 'format',
  args: '<META_URL> <NAME>',
  summary: 'create a volume: write its settings into the metadata engine',
  options: [
    { flags: '--storage <URL>', description: 'object storage URL (default file://~/.slicefs/local/NAME/)' },
    { flags: '--block-size <SIZE>', description: 'size of stored blocks', default: '4M' },
    { flags: '--trash-days <N>', description: 'days deleted files stay in the trash (0: none)', default: '0' },
    { flags: '--inline-size <SIZE>', description: 'files (slices) up to this size keep their data in the metadata engine, not in objects (0: never; at most 64K)', default: '4K' },
    { flags: '--force', description: 'overwrite an existing volume', default: false },
    { flags: '--create-bucket', description: 'create the storage bucket if it does not exist', default: false },
  ],
  examples: [
    'slicefs format sqlite3://./data/vol.db myvol --storage file://./data/objects/',
    'slicefs format sqlite3:///var/lib/vol.db models --block-size 8M',
    'slicefs format sqlite3://./vol.db myvol --storage "s3://mybucket/myvol?endpoint=http://127.0.0.1:9000" --create-bucket',
  ],
  async run([metaUrl, name], o, io) {
    const trashDays = Number(o.trashDays);
    const { Volume } = await loadSdk();
    const settings = await Volume.format(metaUrl!, name!, {
      storage: o.storage as string | undefined,
      blockSize: o.blockSize as string,
      inlineSize: o.inlineSize as string,
      trashDays: Number.isFinite(trashDays) ? trashDays : (o.trashDays as never),
      force: Boolean(o.force),
      createBucket: Boolean(o.createBucket),
    });
    io.out.write(`formatted volume ${settings.name} (uuid ${settings.uuid}) at ${redactUrl(metaUrl!)}, storage ${redactUrl(settings.storage)}\n`);
  },
};
