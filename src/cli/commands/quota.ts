import { CodedError } from '../../errors/index.js';
import type { QuotaInfo, Volume } from '../../sdk/index.js';
import { formatBytes, parseSize } from '../../sdk/sizes.js';
import type { CliIO, CommandDefinition } from '../command.js';
import { loadSdk } from '../load-sdk.js';
import { wholeNumber } from '../whole-number.js';

const ACTIONS = ['set', 'get', 'list', 'delete', 'check'] as const;
type Action = (typeof ACTIONS)[number];

const limit = (n: number, unit: (n: number) => string) => (n ? unit(n) : 'unlimited');

/** One line per quota, for a terminal. */
function line(q: QuotaInfo): string {
  return `${q.path}: ${formatBytes(q.usedBytes)} of ${limit(q.capacity, formatBytes)}, ${q.usedInodes} of ${limit(q.inodes, String)} inodes`;
}

function requirePath(o: Record<string, unknown>, action: Action): string {
  if (typeof o.path === 'string' && o.path) return o.path;
  throw new CodedError('ERR_BAD_OPTION', `--path: quota ${action} needs the directory`, { subject: '--path' });
}

/** The limits `quota set` gives (a usage error before the volume is opened when there are none or one is bad). */
function limitsOf(o: Record<string, unknown>): { capacity?: number; inodes?: number } {
  const capacity = o.capacity === undefined ? undefined : parseSize(o.capacity as string, '--capacity');
  const inodes = o.inodes === undefined ? undefined : wholeNumber(o.inodes, '--inodes', 0);
  if (capacity === undefined && inodes === undefined) {
    throw new CodedError('ERR_BAD_OPTION', '--capacity/--inodes: quota set needs one of them (0 removes a limit)', { subject: '--capacity' });
  }
  return { capacity, inodes };
}

async function act(volume: Volume, action: Action, o: Record<string, unknown>, io: CliIO): Promise<number> {
  const { checkQuotas, deleteQuota, getQuota, listQuotas, setQuota } = await loadSdk();
  const print = (value: unknown, text: string) => io.out.write(o.json ? `${JSON.stringify(value, null, 2)}\n` : text ? `${text}\n` : '');
  switch (action) {
    case 'set': {
      const q = await setQuota(volume, requirePath(o, action), limitsOf(o));
      print(q, line(q));
      return 0;
    }
    case 'get': {
      const q = await getQuota(volume, requirePath(o, action));
      print(q, line(q));
      return 0;
    }
    case 'list': {
      const all = await listQuotas(volume);
      print(all, all.map(line).join('\n'));
      return 0;
    }
    case 'delete': {
      const path = requirePath(o, action);
      await deleteQuota(volume, path);
      print({ path, deleted: true }, '');
      return 0;
    }
    case 'check': {
      const found = await checkQuotas(volume, { path: o.path as string | undefined, repair: Boolean(o.repair) });
      const text = found.map((d) =>
        `${d.path}: recorded ${d.usedBytes} bytes, ${d.usedInodes} inodes; counted ${d.countedBytes} bytes, ${d.countedInodes} inodes${d.repaired ? ' (repaired)' : ''}`,
      );
      print(found, found.length ? text.join('\n') : 'quota usage is exact');
      // Differences left unrepaired fail the check, as fsck does.
      return found.some((d) => !d.repaired) ? 1 : 0;
    }
  }
}

export const quota: CommandDefinition = {
  name: 'quota',
  args: '<ACTION> <META_URL>',
  summary: 'directory quotas: set, get, list, delete, check (EDQUOT past a directory\'s bytes or inodes)',
  options: [
    { flags: '--path <PATH>', description: 'the directory, as a volume path (set, get, delete; check: only this one)' },
    { flags: '--capacity <SIZE>', description: 'logical bytes below the directory, e.g. 10G (0: no limit); clones count in full' },
    { flags: '--inodes <N>', description: 'files and directories below the directory (0: no limit)' },
    { flags: '--repair', description: 'check: set recorded usage to what the trees add up to', default: false },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: [
    'slicefs quota set sqlite3://./data/vol.db --path /projects/a --capacity 10G --inodes 100000',
    'slicefs quota get sqlite3://./data/vol.db --path /projects/a --json',
    'slicefs quota list redis://127.0.0.1:6379/1',
    'slicefs quota delete sqlite3://./data/vol.db --path /projects/a',
    'slicefs quota check sqlite3://./data/vol.db --repair',
  ],
  async run([action, metaUrl], o, io) {
    if (!ACTIONS.includes(action as Action)) {
      throw new CodedError('ERR_BAD_OPTION', `ACTION: '${action}' is not one of ${ACTIONS.join(', ')}`, { subject: 'ACTION' });
    }
    if (action === 'set') limitsOf(o);
    if (action !== 'list' && action !== 'check') requirePath(o, action as Action);
    const { Volume } = await loadSdk();
    const volume = await Volume.open(metaUrl!, { program: 'slicefs quota' });
    try {
      return await act(volume, action as Action, o, io);
    } finally {
      await volume.close();
    }
  },
};
