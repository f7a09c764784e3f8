import { setTimeout as sleep } from 'node:timers/promises';
import { statsOfMount } from '../../fuse/control-client.js';
import { CodedError } from '../../errors/index.js';
import { formatBytes } from '../../sdk/sizes.js';
import type { CommandDefinition } from '../command.js';
import { type StatsInterval, statsInterval } from '../stats-rates.js';
import { wholeNumber } from '../whole-number.js';

/** Column headings, repeated every HEADER_EVERY lines. */
const HEADER =
  'time     |  fuse ops/s   avg ms  errors |  meta tx/s   avg ms |  obj req/s      read/s     write/s   avg ms | cache hit     buffer';
const HEADER_EVERY = 20;
/** Added when the mount has a disk cache (`--cache-dir`). */
const DISK_HEADER = ' | disk hit  disk used';

const num = (n: number, width: number, digits = 0) => n.toFixed(digits).padStart(width);
const rate = (bytesPerSec: number) => `${formatBytes(Math.round(bytesPerSec))}/s`.padStart(11);

function line(i: StatsInterval): string {
  const hit = i.cache.hitRatio === null ? '-' : `${(i.cache.hitRatio * 100).toFixed(1)}%`;
  return [
    i.time.slice(11, 19),
    `${num(i.fuse.opsPerSec, 11)} ${num(i.fuse.avgMs, 8, 3)} ${num(i.fuse.errors, 7)}`,
    `${num(i.meta.perSec, 10)} ${num(i.meta.avgMs, 8, 3)}`,
    `${num(i.object.perSec, 10)} ${rate(i.object.readBytesPerSec)} ${rate(i.object.writtenBytesPerSec)} ${num(i.object.avgMs, 8, 3)}`,
    `${hit.padStart(9)} ${formatBytes(i.buffer.used).padStart(10)}`,
    ...(i.diskCache ? [`${(i.diskCache.hitRatio === null ? '-' : `${(i.diskCache.hitRatio * 100).toFixed(1)}%`).padStart(8)} ${formatBytes(i.diskCache.usedBytes).padStart(10)}`] : []),
  ].join(' | ');
}

function seconds(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CodedError('ERR_BAD_OPTION', `--interval: '${value}' is not a number of seconds > 0`, { subject: '--interval' });
  return n;
}

export const stats: CommandDefinition = {
  name: 'stats',
  args: '<MOUNTPOINT>',
  summary: "show a mount's FUSE operations, metadata transactions, object requests and cache hits, per interval",
  options: [
    { flags: '--interval <S>', description: 'seconds between lines', default: '1' },
    { flags: '--count <N>', description: 'print N lines, then exit (default: until interrupted)' },
    { flags: '--json', description: 'one JSON object per line, with the per-opcode breakdown', default: false },
  ],
  examples: ['slicefs stats /mnt/vol', 'slicefs stats /mnt/vol --interval 5 --count 12 --json'],
  async run([mountpoint], o, io) {
    const intervalMs = seconds(o.interval) * 1000;
    const count = o.count === undefined ? Infinity : wholeNumber(o.count, '--count', 1);
    let before = statsOfMount(mountpoint!);
    for (let n = 0; n < count; n++) {
      await sleep(intervalMs);
      const after = statsOfMount(mountpoint!);
      const i = statsInterval(before, after);
      before = after;
      if (o.json) io.out.write(`${JSON.stringify(i)}\n`);
      else io.out.write(`${n % HEADER_EVERY === 0 ? `${HEADER}${i.diskCache ? DISK_HEADER : ''}\n` : ''}${line(i)}\n`);
    }
  },
};
