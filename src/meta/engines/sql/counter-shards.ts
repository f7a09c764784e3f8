import type { CounterName } from '../../types.js';
import type { SqlQuerier } from './dialect.js';

/**
 * Usage counters that transactions only add to (never read back as an allocation): each may be
 * kept as several rows, `name` and `name#1` … `name#(shards-1)`, whose sum is its value. Under
 * serializable isolation two transactions that add to the same row conflict, and one runs again;
 * every create and every commit adds to these, so with one row per counter concurrent writers
 * on PostgreSQL kept redoing each other's work. The allocation counters (`nextInode`, …) stay one
 * row: incrCounter hands out the value it returns.
 */
const SHARDED: ReadonlySet<CounterName> = new Set<CounterName>(['usedBytes', 'inodes', 'storedSlices', 'storedBytes']);

/** The row of `name` that shard `shard` adds to; shard 0 is the counter's original row. */
export function counterRow(name: CounterName, shard: number): string {
  return shard === 0 || !SHARDED.has(name) ? name : `${name}#${shard}`;
}

/** Every row `name` may be kept in, for a volume whose dialect spreads counters over `shards` rows. */
function counterRows(name: CounterName, shards: number): string[] {
  return SHARDED.has(name) ? Array.from({ length: shards }, (_, shard) => counterRow(name, shard)) : [name];
}

/** A counter's value: the sum of its rows (0 when it has none). */
export async function readCounter(q: SqlQuerier, name: CounterName, shards: number): Promise<number> {
  const rows = counterRows(name, shards);
  const [row] = await q.all<{ value: number | string | null }>(
    rows.length === 1 ? `SELECT value FROM counter WHERE name = ?` : `SELECT SUM(value) AS value FROM counter WHERE name IN (${rows.map(() => '?').join(', ')})`,
    rows,
  );
  return row?.value == null ? 0 : Number(row.value);
}

/** Hands each transaction of this process the next shard, from a random start (so processes differ). */
export class ShardTurns {
  private next: number;

  constructor(private readonly shards: number) {
    this.next = Math.floor(Math.random() * shards);
  }

  /**
   * The shard for one transaction attempt. Taken in turn, transactions that overlap in this
   * process add to different rows unless `shards` of them begin while one is still running.
   */
  take(): number {
    const shard = this.next;
    this.next = (this.next + 1) % this.shards;
    return shard;
  }
}
