import type { ChangeSubscription } from '../../../change.js';
import type { SqlChangeFeed, SqlQuerier } from '../dialect.js';
import { type Transact, WatchLease } from '../watch-lease.js';
import { type PgPoolLike, quoteIdentifier } from './postgres-connection.js';

/** NOTIFY's payload limit is 8000 bytes; a longer list becomes "anything changed". */
const MAX_PAYLOAD = 7900;

/** A pooled pg client as LISTEN needs it: notifications arrive as events. */
interface ListeningClient {
  query(statement: { text: string }): Promise<unknown>;
  on(event: 'notification', listener: (msg: { channel: string; payload?: string }) => void): unknown;
  removeListener(event: 'notification', listener: (msg: { channel: string; payload?: string }) => void): unknown;
  release(err?: Error): void;
}

/**
 * PostgreSQL's change feed: NOTIFY inside the transaction (delivered to listeners only when it
 * commits, in commit order); a subscriber holds one connection of its own in LISTEN, outside the
 * volume's pool (so a small pool is not starved by a watch). Only while someone watches
 * (WatchLease): a NOTIFY costs the server a lock and a queue entry at every commit, listened to
 * or not. A transaction may not wait on another pooled connection (the pool could be all
 * transactions), so a writer that has not read the lease within the last second notifies and
 * reads it in the background.
 */
export class PostgresChangeFeed implements SqlChangeFeed {
  private readonly channel: string;
  private readonly listener: () => PgPoolLike;
  private readonly lease: WatchLease;

  constructor(at: { schema: string; listener: () => PgPoolLike; reader: SqlQuerier; transact: Transact }) {
    this.channel = `slicefs:${at.schema}`;
    this.listener = at.listener;
    this.lease = new WatchLease(at.reader, at.transact);
  }

  async publish(q: SqlQuerier, payload: string): Promise<void> {
    const notify = this.notifyArgs(payload);
    if (notify) await q.all(`SELECT pg_notify(?, ?)`, notify);
  }

  /** pg_notify's arguments for `payload` (the volume's channel, and the payload or "anything changed" when too long); none while nobody watches. */
  notifyArgs(payload: string): [string, string] | undefined {
    if (!this.lease.watchedOrUnsure()) return undefined;
    return [this.channel, payload.length > MAX_PAYLOAD ? '[[0,0]]' : payload];
  }

  async subscribe(listener: (payload: string) => void): Promise<ChangeSubscription> {
    const held = await this.lease.hold();
    const pool = this.listener();
    let client: ListeningClient;
    try {
      client = (await pool.connect()) as unknown as ListeningClient;
    } catch (err) {
      held.release();
      await pool.end();
      throw err;
    }
    const onNotification = (msg: { channel: string; payload?: string }) => {
      if (msg.channel === this.channel) listener(msg.payload ?? '[[0,0]]');
    };
    client.on('notification', onNotification);
    try {
      await client.query({ text: `LISTEN ${quoteIdentifier(this.channel)}` });
    } catch (err) {
      client.removeListener('notification', onNotification);
      client.release(err as Error);
      held.release();
      await pool.end();
      throw err;
    }
    return {
      async close() {
        client.removeListener('notification', onNotification);
        client.release();
        held.release();
        await pool.end();
      },
    };
  }
}
