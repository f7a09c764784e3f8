import { FsError } from '../../errors/index.js';
import type { TrashEntry } from '../../sdk/index.js';
import { formatBytes } from '../../sdk/sizes.js';
import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';
import { errorLine } from '../report-error.js';

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const original = (e: TrashEntry) => e.originalPath ?? `(removed directory, inode ${e.originalParent})/${e.originalName}`;

function listing(entries: TrashEntry[]): string {
  if (!entries.length) return 'the trash holds nothing you may see\n';
  const rows = entries.map((e) => [when(e.deletedAt), `uid ${e.uid}`, formatBytes(e.size), original(e), e.trashPath]);
  const head = ['DELETED (UTC)', 'OWNER', 'SIZE', 'ORIGINAL PATH', 'IN TRASH'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n') + '\n';
}

export const restore: CommandDefinition = {
  name: 'restore',
  args: '<META_URL> [PATH...]',
  summary: 'list the trash, or put deleted files back at their original path (root: any; others: their own)',
  options: [
    { flags: '--to <DIR>', description: 'restore into this directory instead of the original one (keeps the file names)' },
    { flags: '--list', description: 'list the trash (with PATHs: what a restore of them would take) and change nothing', default: false },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: [
    'slicefs restore sqlite3://./data/slicefs.db --list',
    'slicefs restore sqlite3://./data/slicefs.db /projects/report.txt',
    'slicefs restore sqlite3://./data/slicefs.db /projects          # every file deleted below /projects',
    'slicefs restore sqlite3://./data/slicefs.db /.trash/2026-12-04-06 --to /recovered',
  ],
  async run([metaUrl, ...paths], o, io) {
    // Checked before opening, so a bad command line registers no session.
    if (!o.list && !paths.length) throw new FsError('EINVAL', { syscall: 'restore', detail: 'name what to restore: a path, or / for all you may see; --list shows them' });
    const { listTrash, restoreTrash, Volume } = await loadSdk();
    const volume = await Volume.open(metaUrl!, { program: 'slicefs restore', deleteObjects: false, readOnly: Boolean(o.list) });
    try {
      if (o.list) {
        const entries = await listTrash(volume, paths);
        return void io.out.write(o.json ? `${JSON.stringify(entries.map((e) => ({ ...e, deletedAt: new Date(e.deletedAt).toISOString() })), null, 2)}\n` : listing(entries));
      }
      const report = await restoreTrash(volume, paths, {
        to: typeof o.to === 'string' ? o.to : undefined,
        onRestored: (f) => void (o.json ? undefined : io.out.write(`restored ${f.path}  (from ${f.trashPath})\n`)),
      });
      for (const f of report.failed) io.err.write(`${errorLine('restore', f.error)}\n`);
      if (o.json) {
        const failed = report.failed.map((f) => ({ trashPath: f.trashPath, errno: f.error.code, path: f.error.path, detail: f.error.detail }));
        io.out.write(`${JSON.stringify({ restored: report.restored, failed }, null, 2)}\n`);
      }
      return report.failed.length ? 1 : 0;
    } finally {
      await volume.close();
    }
  },
};
