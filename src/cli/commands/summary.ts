import { formatBytes, Volume } from '../../sdk/index.js';
import { type CommandDefinition, requireMeta } from '../command.js';

export const summary: CommandDefinition = {
  name: 'summary',
  args: '<PATH>',
  summary: 'du-like totals of a path: size, files, directories (logical: clones count fully)',
  options: [
    { flags: '--meta <META_URL>', description: 'the volume PATH is in' },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: ['slicefs summary --meta sqlite3://./data/slicefs.db /datasets'],
  async run([path], o, io) {
    const volume = await Volume.open(requireMeta(o, path!), { program: 'slicefs summary', deleteObjects: false });
    try {
      const s = await volume.summary(path!);
      if (o.json) return void io.out.write(`${JSON.stringify({ path, ...s }, null, 2)}\n`);
      io.out.write(`${path}: ${formatBytes(s.size)} (${s.size} bytes), ${s.files} files, ${s.dirs} directories\n`);
    } finally {
      await volume.close();
    }
  },
};
