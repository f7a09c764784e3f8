import type { SqlQuerier } from './dialect.js';

/** The setting that says until when (ms since the epoch) some client is watching. */
const WATCHED_KEY = 'change-log-watched-until';
/** A watcher's lease: renewed every third of it while the watch lasts. */
const LEASE_MS = 10_000;
/** How long a writer trusts what it read of the lease: a new watch is ready after this. */
const WATCHED_CACHE_MS = 1_000;

/** Runs `fn` in a write transaction of the database. */
export type Transact = <T>(fn: (q: SqlQuerier) => Promise<T>) => Promise<T>;

/**
 * Whether some client watches the volume's changes, so that writers publish them only then: a
 * watcher holds a lease in the `setting` table, renewed while it watches, and a writer reads it
 * at most once a second. A watch is therefore ready a second after it starts (`hold` waits that
 * long), and a volume nobody watches publishes nothing (on SQLite a `change_log` row, on
 * PostgreSQL a NOTIFY, per transaction).
 */
export class WatchLease {
  private known = { until: 0, readAt: -Infinity };
  private reading: Promise<void> | undefined;

  constructor(
    private readonly reader: SqlQuerier,
    private readonly transact: Transact,
  ) {}

  /** True while some client's lease runs, as read at most WATCHED_CACHE_MS ago (reads it when older). */
  async watched(): Promise<boolean> {
    if (this.stale(Date.now())) await this.read();
    return this.known.until > Date.now();
  }

  /**
   * The same without waiting: true while a lease runs or when the last read is too old to tell
   * (then a read starts, and a later call knows). For a caller that may not wait on another
   * connection, as a PostgreSQL transaction holding one of the pool's may not.
   */
  watchedOrUnsure(): boolean {
    const now = Date.now();
    if (!this.stale(now)) return this.known.until > now;
    void this.read().catch(() => undefined); // unread, the answer stays "unsure": publish
    return true;
  }

  private stale(now: number): boolean {
    return now - this.known.readAt >= WATCHED_CACHE_MS;
  }

  /**
   * One read at a time; its value counts from when it was asked, so no lease taken since is missed
   * for longer. A failed read counts as "watched" until the next (at most one a second).
   */
  private read(): Promise<void> {
    this.reading ??= (async () => {
      const askedAt = Date.now();
      try {
        const [row] = await this.reader.all<{ value: string }>(`SELECT value FROM setting WHERE name = ?`, [WATCHED_KEY]);
        this.known = { until: Number(row?.value ?? 0), readAt: askedAt };
      } catch (err) {
        this.known = { until: Infinity, readAt: askedAt };
        throw err;
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  /**
   * Takes the lease and keeps it until `release`; resolves once every writer, in any process, has
   * read it. A client that may not write the setting (a read-only open) watches without one: it
   * sees changes while another client holds it.
   */
  async hold(): Promise<{ release(): void }> {
    if (!(await this.renew().then(() => true, () => false))) return { release: () => undefined };
    const timer = setInterval(() => void this.renew().catch(() => undefined), LEASE_MS / 3);
    timer.unref();
    await new Promise((resolve) => setTimeout(resolve, WATCHED_CACHE_MS + 50));
    return { release: () => clearInterval(timer) };
  }

  private renew(): Promise<void> {
    const until = String(Date.now() + LEASE_MS);
    return this.transact(async (q) => {
      await q.run(
        `INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = CASE WHEN CAST(setting.value AS BIGINT) > CAST(excluded.value AS BIGINT) THEN setting.value ELSE excluded.value END`,
        [WATCHED_KEY, until],
      );
    });
  }
}
