import { formatBytes, parseDuration } from '../../sdk/sizes.js';
import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';
import { phaseReporter } from '../progress.js';

export const gc: CommandDefinition = {
  name: 'gc',
  args: '<META_URL>',
  summary: 'find (and with --delete remove) leftovers: abandoned clones, leaked objects, dead sessions',
  options: [
    { flags: '--delete', description: 'remove what is found (default: only report)', default: false },
    { flags: '--threshold <DURATION>', description: 'spare leftovers younger than this unless their session is gone', default: '24h' },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: ['slicefs gc sqlite3://./data/slicefs.db', 'slicefs gc sqlite3://./data/slicefs.db --delete --threshold 1h'],
  async run([metaUrl], o, io) {
    const thresholdMs = parseDuration(String(o.threshold), '--threshold');
    const [{ collectGarbage, Volume }, { stagingLeftovers }] = await Promise.all([loadSdk(), import('../../vfs/staging-leftovers.js')]);
    const volume = await Volume.open(metaUrl!, { program: 'slicefs gc', deleteObjects: false, readOnly: !o.delete });
    const progress = phaseReporter(io);
    try {
      // First: what a removed upload held then goes with the rest (its open record, its slices).
      const uploads = await stagingLeftovers(volume, { delete: Boolean(o.delete), olderThanMs: thresholdMs });
      const r = await collectGarbage(volume, { delete: Boolean(o.delete), thresholdMs, onProgress: progress.report });
      progress.stop();
      if (o.json) return void io.out.write(`${JSON.stringify({ ...r, gatewayUploads: uploads }, null, 2)}\n`);
      const m = r.metadata;
      const verb = o.delete ? 'removed' : 'found';
      io.out.write(
        [
          `expired sessions:     ${m.expiredSessions}${o.delete ? ` (${m.sustainedInodes} unlinked inodes they kept deleted)` : ''}`,
          `detached trees:       ${m.detachedTrees.total}: ${m.detachedTrees.total - m.detachedTrees.found} under way (session alive, younger than ${o.threshold}), ` +
            `${m.detachedTrees.found} abandoned (session gone or expired, or older than ${o.threshold})` +
            `${o.delete ? `, ${m.detachedTrees.removed} removed (${m.detachedTrees.inodes} inodes)` : ''}`,
          ...(o.delete ? [`trash purged:         ${m.trashPurged} entries older than the volume's trash days`] : []),
          `unreferenced slices:  ${m.unreferencedSlices.found} found${o.delete ? `, ${m.unreferencedSlices.queued} queued for deletion` : ''}`,
          `objects:              ${r.objects.objects} listed, ${r.objects.leaked.objects} leaked (${formatBytes(r.objects.leaked.bytes)})${o.delete ? `, ${r.objects.leaked.deleted} deleted` : ''}`,
          `deletion queue:       ${r.objects.queue.pending} waiting${o.delete ? `, ${r.objects.queue.drained} drained` : ''}`,
          `staged uploads:       ${uploads.found} left by stopped servers, ${uploads.staleUploads} multipart older than ${o.threshold}` +
            `${o.delete ? `, ${uploads.removed + uploads.removedUploads} removed` : ''}`,
          o.delete ? `gc: ${verb} what was found` : 'gc: report only; run with --delete to remove',
        ].join('\n') + '\n',
      );
    } finally {
      progress.stop();
      await volume.close();
    }
  },
};
