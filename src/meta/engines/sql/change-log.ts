import type { ChangeSubscription } from '../../change.js';
import type { SqlChangeFeed, SqlQuerier } from './dialect.js';

/** Rows the log keeps: a subscriber more than this many transactions behind gets "anything changed". */
const KEPT_ROWS = 1024;
/** Every this many rows, a publishing transaction trims the log. */
const TRIM_EVERY = 64;
/** How often a subscriber reads the log: the feed's latency on SQLite (docs/sdk.md). */
export const POLL_MS = 50;
/** What a subscriber that fell behind the log's window gets: anything may have changed. */
const GAP_PAYLOAD = '[[0,0]]';
/** The setting that says until when (ms since the epoch) some client is watching. */
const WATCHED_KEY = 'change-log-watched-until';
/** A watcher's lease: renewed every third of it while the watch lasts. */
const LEASE_MS = 10_000;
/** How long a writer trusts what it read of the lease: a new watch is ready after this. */
const WATCHED_CACHE_MS = 1_000;

/** Runs `fn` in a write transaction of the database. */
type Transact = <T>(fn: (q: SqlQuerier) => Promise<T>) => Promise<T>;

/**
 * The change feed of a database without notifications (SQLite): each publishing transaction adds
 * one row to `change_log` (SQLite has one writer, so row numbers follow commit order without
 * gaps); subscribers poll for rows after the last one they saw. The log stays bounded.
 *
 * Only while someone watches: a watcher holds a lease in the `setting` table, and a writer
 * reads it at most once a second, so a volume nobody watches writes no log row per commit (it
 * was two of ~23 statements per small file written through a mount). A new watch is therefore
 * ready a second after it starts. A volume opened read-only cannot take the lease: its watches
 * see changes only while a writable client of the volume watches too.
 */
export class PolledChangeLog implements SqlChangeFeed {
  private watched = { until: 0, readAt: -Infinity };

  constructor(
    private readonly reader: SqlQuerier,
    private readonly transact?: Transact,
  ) {}

  /** True while some client's watch lease runs (as read at most WATCHED_CACHE_MS ago). */
  private async watching(q: SqlQuerier): Promise<boolean> {
    const now = Date.now();
    if (now - this.watched.readAt >= WATCHED_CACHE_MS) {
      const [row] = await q.all<{ value: string }>(`SELECT value FROM setting WHERE name = ?`, [WATCHED_KEY]);
      this.watched = { until: Number(row?.value ?? 0), readAt: now };
    }
    return this.watched.until > now;
  }

  private renewLease(): Promise<void> {
    const until = String(Date.now() + LEASE_MS);
    return this.transact!(async (q) => {
      await q.run(
        `INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = CASE WHEN CAST(setting.value AS INTEGER) > CAST(excluded.value AS INTEGER) THEN setting.value ELSE excluded.value END`,
        [WATCHED_KEY, until],
      );
    });
  }

  async publish(q: SqlQuerier, payload: string): Promise<void> {
    if (!(await this.watching(q))) return;
    const [row] = await q.all<{ seq: number }>(`INSERT INTO change_log (payload) VALUES (?) RETURNING seq`, [payload]);
    const seq = Number(row?.seq ?? 0);
    if (seq % TRIM_EVERY === 0) await q.run(`DELETE FROM change_log WHERE seq <= ?`, [seq - KEPT_ROWS]);
  }

  async subscribe(listener: (payload: string) => void): Promise<ChangeSubscription> {
    let lease: NodeJS.Timeout | undefined;
    if (this.transact) {
      await this.renewLease();
      lease = setInterval(() => void this.renewLease().catch(() => undefined), LEASE_MS / 3);
      lease.unref();
      // Every writer, in any process, has read the lease by then.
      await new Promise((resolve) => setTimeout(resolve, WATCHED_CACHE_MS + 50));
    }
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
        clearInterval(lease);
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
