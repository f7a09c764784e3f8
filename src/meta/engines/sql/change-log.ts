import type { ChangeSubscription } from '../../change.js';
import type { SqlChangeFeed, SqlQuerier } from './dialect.js';
import { type Transact, WatchLease } from './watch-lease.js';

/** Rows the log keeps: a subscriber more than this many transactions behind gets "anything changed". */
const KEPT_ROWS = 1024;
/** Every this many rows, a publishing transaction trims the log. */
const TRIM_EVERY = 64;
/** How often a subscriber reads the log: the feed's latency on SQLite (docs/sdk.md). */
export const POLL_MS = 50;
/** What a subscriber that fell behind the log's window gets: anything may have changed. */
const GAP_PAYLOAD = '[[0,0]]';

/**
 * The change feed of a database without notifications (SQLite): each publishing transaction adds
 * one row to `change_log` (SQLite has one writer, so row numbers follow commit order without
 * gaps); subscribers poll for rows after the last one they saw. The log stays bounded.
 *
 * Only while someone watches (WatchLease): a volume nobody watches writes no log row per commit
 * (it was two of ~23 statements per small file written through a mount). A volume opened
 * read-only cannot take the lease: its watches see changes only while a writable client of the
 * volume watches too.
 */
export class PolledChangeLog implements SqlChangeFeed {
  private readonly lease: WatchLease | undefined;

  constructor(
    private readonly reader: SqlQuerier,
    transact?: Transact,
  ) {
    this.lease = transact && new WatchLease(reader, transact);
  }

  async publish(q: SqlQuerier, payload: string): Promise<void> {
    if (this.lease && !(await this.lease.watched())) return;
    const [row] = await q.all<{ seq: number }>(`INSERT INTO change_log (payload) VALUES (?) RETURNING seq`, [payload]);
    const seq = Number(row?.seq ?? 0);
    if (seq % TRIM_EVERY === 0) await q.run(`DELETE FROM change_log WHERE seq <= ?`, [seq - KEPT_ROWS]);
  }

  async subscribe(listener: (payload: string) => void): Promise<ChangeSubscription> {
    const held = await this.lease?.hold();
    let last = await this.newest();
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let polling = Promise.resolve();
    const poll = async () => {
      const rows = await this.reader
        .all<{ seq: number; payload: string }>(`SELECT seq, payload FROM change_log WHERE seq > ? ORDER BY seq LIMIT 1000`, [last])
        .catch(() => []);
      if (rows.length && Number(rows[0]!.seq) > last + 1) listener(GAP_PAYLOAD);
      for (const row of rows) {
        last = Number(row.seq);
        listener(row.payload);
      }
    };
    const next = () => {
      if (!closed) timer = setTimeout(() => (polling = poll().then(next)), POLL_MS);
    };
    next();
    return {
      async close() {
        closed = true;
        clearTimeout(timer);
        held?.release();
        await polling;
      },
    };
  }

  /** The last row's number (0 when the log is empty or missing: a volume opened read-only before its upgrade). */
  private async newest(): Promise<number> {
    const rows = await this.reader.all<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM change_log`).catch(() => []);
    return Number(rows[0]?.seq ?? 0);
  }
}
