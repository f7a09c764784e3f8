import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';
import { phaseReporter } from '../progress.js';

export const fsck: CommandDefinition = {
  name: 'fsck',
  args: '<META_URL>',
  summary: 'check reference counts, entries, link counts and counters (exit 1 when something is wrong)',
  options: [
    { flags: '--repair', description: 'fix what can be fixed without losing data', default: false },
    {
      flags: '--force',
      description:
        'with --repair on an engine without snapshots (Redis): repair even while other clients are connected, ' +
        'at the risk of undoing their changes (SQLite and PostgreSQL check one snapshot and never need it)',
      default: false,
    },
    { flags: '--check-objects', description: 'also check every block exists in the store', default: false },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: ['slicefs fsck sqlite3://./data/slicefs.db', 'slicefs fsck postgres://postgres@127.0.0.1:5432/vol --repair --check-objects'],
  async run([metaUrl], o, io) {
    const { checkVolume, Volume } = await loadSdk();
    const volume = await Volume.open(metaUrl!, { program: 'slicefs fsck', deleteObjects: false, readOnly: !o.repair });
    const progress = phaseReporter(io);
    try {
      const r = await checkVolume(volume, { repair: Boolean(o.repair), force: Boolean(o.force), checkObjects: Boolean(o.checkObjects), onProgress: progress.report });
      progress.stop();
      if (o.json) io.out.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        io.out.write(`checked ${r.inodes} inodes, ${r.entries} entries, ${r.slices} slices: ${r.problems.length ? `${r.problems.length} problems` : 'no problems'}\n`);
        for (const p of r.problems) io.out.write(`  ${p.kind}: ${p.detail}${p.repaired ? ' [repaired]' : ''}\n`);
      }
      return r.problems.some((p) => !p.repaired) ? 1 : 0;
    } finally {
      progress.stop();
      await volume.close();
    }
  },
};
