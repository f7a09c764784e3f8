import { redactUrl } from '../../errors/index.js';
import { formatBytes } from '../../sdk/sizes.js';
import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';

export const status: CommandDefinition = {
  name: 'status',
  args: '<META_URL>',
  summary: 'show a volume: settings, logical and physical usage, sessions',
  options: [{ flags: '--json', description: 'print JSON', default: false }],
  examples: ['slicefs status sqlite3://./data/slicefs.db', 'slicefs status redis://127.0.0.1:6379/1 --json'],
  async run([metaUrl], o, io) {
    const { Volume, volumeStatus } = await loadSdk();
    const volume = await Volume.open(metaUrl!, { program: 'slicefs status', readOnly: true });
    try {
      const s = await volumeStatus(volume);
      if (o.json) {
        io.out.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      const lines = [
        `volume:    ${s.settings.name} (uuid ${s.settings.uuid}, format v${s.settings.version})`,
        `metadata:  ${redactUrl(metaUrl!)} — ${s.engine.description}, ${formatBytes(s.engine.storageBytes)}`,
        `storage:   ${s.settings.storage} (block size ${formatBytes(s.settings.blockSize)})`,
        `inline:    ${s.settings.inlineSize ? `slices up to ${formatBytes(s.settings.inlineSize)} keep their bytes in the metadata engine, not in objects` : 'off'}`,
        `trash:     ${s.settings.trashDays ? `${s.settings.trashDays} days` : 'off'}`,
        `logical:   ${formatBytes(s.logical.usedBytes)} in ${s.logical.inodes} inodes`,
        `physical:  ${formatBytes(s.physical.bytes)} stored in ${s.physical.slices} slices (live or waiting for deletion; in objects, or inline in the metadata engine)`,
        `clones:    ${s.detachedTrees} detached trees: ${s.detachedTrees - s.abandonedTrees} under way (session alive, younger than 24h), ` +
          `${s.abandonedTrees} abandoned (session gone or expired, or older than 24h: gc --delete removes them)`,
        `sessions:  ${s.sessions.length}`,
        ...s.sessions.map((x) => `  #${x.id} ${x.program} pid ${x.pid} on ${x.host}, heartbeat ${new Date(x.heartbeat).toISOString()}`),
      ];
      io.out.write(`${lines.join('\n')}\n`);
    } finally {
      await volume.close();
    }
  },
};
