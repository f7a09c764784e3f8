import { formatBytes, Volume } from '../../sdk/index.js';
import { type CommandDefinition, requireMeta } from '../command.js';

export const info: CommandDefinition = {
  name: 'info',
  args: '<PATH>',
  summary: "show a path's inode, type, and logical, shared and exclusive bytes",
  options: [
    { flags: '--meta <META_URL>', description: 'the volume PATH is in' },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: ['slicefs info --meta sqlite3://./data/slicefs.db /datasets/v1'],
  async run([path], o, io) {
    const volume = await Volume.open(requireMeta(o, path!), { program: 'slicefs info', deleteObjects: false });
    try {
      const i = await volume.info(path!);
      if (o.json) return void io.out.write(`${JSON.stringify({ path, ...i }, null, 2)}\n`);
      io.out.write(
        [
          `${path}:`,
          `  inode:     ${i.ino}`,
          `  type:      ${i.type}`,
          `  logical:   ${formatBytes(i.size)} (${i.size} bytes) in ${i.files} files, ${i.dirs} directories`,
          `  shared:    ${formatBytes(i.sharedBytes)} (also referenced by other files)`,
          `  exclusive: ${formatBytes(i.exclusiveBytes)} (freed by deleting it)`,
        ].join('\n') + '\n',
      );
    } finally {
      await volume.close();
    }
  },
};
