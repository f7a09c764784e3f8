import { redactUrl } from '../../errors/index.js';
import { FsError } from '../../errors/index.js';
import type { ConfigChanges, VolumeSettings } from '../../sdk/index.js';
import { formatBytes } from '../../sdk/sizes.js';
import { loadSdk } from '../load-sdk.js';
import type { CommandDefinition } from '../command.js';

/** The settings as `config` shows them: secrets redacted. */
function shown(s: VolumeSettings) {
  return {
    name: s.name,
    uuid: s.uuid,
    storage: redactUrl(s.storage),
    blockSize: s.blockSize,
    blockHistory: s.blockHistory ?? [],
    inlineSize: s.inlineSize ?? 0,
    trashDays: s.trashDays,
    capacity: s.capacity ?? 0,
    inodes: s.inodeLimit ?? 0,
    version: s.version,
    createdAt: new Date(s.createdAt).toISOString(),
  };
}

const limit = (n: number, unit: (n: number) => string) => (n ? unit(n) : 'unlimited');

/** One line per setting, for a terminal. */
function lines(s: ReturnType<typeof shown>): string[] {
  const earlier = s.blockHistory.map((h) => `${formatBytes(h.blockSize)} for slices below ${h.belowSlice}`).join(', ');
  return [
    `name:        ${s.name}`,
    `uuid:        ${s.uuid}`,
    `storage:     ${s.storage}`,
    `block size:  ${formatBytes(s.blockSize)}${earlier ? ` (earlier: ${earlier})` : ''}`,
    `inline size: ${s.inlineSize ? formatBytes(s.inlineSize) : 'off'}`,
    `trash days:  ${s.trashDays || 'off'}`,
    `capacity:    ${limit(s.capacity, formatBytes)}`,
    `inodes:      ${limit(s.inodes, String)}`,
    `format:      v${s.version}, created ${s.createdAt}`,
  ];
}

const LABELS: Record<string, [keyof ReturnType<typeof shown>, (v: never) => string]> = {
  trashDays: ['trashDays', (v: number) => (v ? `${v}` : 'off')],
  capacity: ['capacity', (v: number) => limit(v, formatBytes)],
  inodeLimit: ['inodes', (v: number) => limit(v, String)],
  blockSize: ['blockSize', (v: number) => formatBytes(v)],
  inlineSize: ['inlineSize', (v: number) => (v ? formatBytes(v) : 'off')],
  storage: ['storage', (v: string) => v],
};

export const config: CommandDefinition = {
  name: 'config',
  args: '<META_URL>',
  summary: 'show or change a volume\'s settings: trash days, capacity and inode limits, block size, storage',
  options: [
    { flags: '--trash-days <N>', description: 'days deleted files stay in the trash (0: no trash)' },
    { flags: '--capacity <SIZE>', description: 'logical bytes the volume may hold, e.g. 100G (0: no limit); past it writes fail with ENOSPC' },
    { flags: '--inodes <N>', description: 'files and directories the volume may hold (0: no limit); past it creates fail with ENOSPC' },
    { flags: '--inline-size <SIZE>', description: 'slices written from now on up to this size keep their data in the metadata engine (0: never; at most 64K)' },
    { flags: '--block-size <SIZE>', description: 'block size of data written from now on (existing data keeps its own); no client may be connected' },
    { flags: '--storage <URL>', description: 'new storage URL when the bucket moved (checked reachable and writable before it is saved)' },
    { flags: '--yes', description: 'confirm a change of --storage or --block-size', default: false },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: [
    'slicefs config sqlite3://./data/vol.db',
    'slicefs config sqlite3://./data/vol.db --capacity 100G --inodes 1000000',
    'slicefs config redis://127.0.0.1:6379/1 --trash-days 7 --json',
    'slicefs config sqlite3://./data/vol.db --storage file:///srv/moved-objects/ --yes',
  ],
  async run([metaUrl], o, io) {
    const changes: ConfigChanges = {
      trashDays: o.trashDays as never,
      capacity: o.capacity as string | undefined,
      inodes: o.inodes as never,
      blockSize: o.blockSize as string | undefined,
      storage: o.storage as string | undefined,
      inlineSize: o.inlineSize as string | undefined,
    };
    const risky = (['storage', 'blockSize'] as const).find((k) => changes[k] !== undefined);
    if (risky && !o.yes) {
      const flag = risky === 'storage' ? '--storage' : '--block-size';
      throw new FsError('EINVAL', {
        syscall: 'config', path: flag,
        detail: risky === 'storage'
          ? 'changing the storage needs --yes: every client reads the data from the new store, which must hold a copy of every object'
          : 'changing the block size needs --yes: data written from now on is stored in blocks of the new size',
      });
    }
    if (Object.values(changes).every((v) => v === undefined)) {
      const s = shown(await (await loadSdk()).volumeConfig(metaUrl!));
      io.out.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${lines(s).join('\n')}\n`);
      return;
    }
    const result = await (await loadSdk()).configureVolume(metaUrl!, changes);
    const [before, after] = [shown(result.before), shown(result.settings)];
    if (o.json) {
      io.out.write(`${JSON.stringify({ changed: result.changed.map((f) => LABELS[f]![0]), settings: after }, null, 2)}\n`);
      return;
    }
    if (!result.changed.length) io.out.write('nothing changed\n');
    for (const field of result.changed) {
      const [key, text] = LABELS[field]!;
      io.out.write(`${key}: ${text(before[key] as never)} -> ${text(after[key] as never)}\n`);
    }
  },
};
