import type { ChangeSubscription } from '../../../change.js';
import type { SqlChangeFeed, SqlQuerier } from '../dialect.js';
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
 * commits, in commit order); a subscriber holds one pooled connection in LISTEN.
 */
export class PostgresChangeFeed implements SqlChangeFeed {
  private readonly channel: string;

  constructor(
    private readonly pool: PgPoolLike,
    schema: string,
  ) {
    this.channel = `slicefs:${schema}`;
  }

  async publish(q: SqlQuerier, payload: string): Promise<void> {
    await q.all(`SELECT pg_notify(?, ?)`, [this.channel, payload.length > MAX_PAYLOAD ? '[[0,0]]' : payload]);
  }

  async subscribe(listener: (payload: string) => void): Promise<ChangeSubscription> {
    const client = (await this.pool.connect()) as unknown as ListeningClient;
    const onNotification = (msg: { channel: string; payload?: string }) => {
      if (msg.channel === this.channel) listener(msg.payload ?? '[[0,0]]');
    };
    client.on('notification', onNotification);
    try {
      await client.query({ text: `LISTEN ${quoteIdentifier(this.channel)}` });
    } catch (err) {
      client.removeListener('notification', onNotification);
      client.release(err as Error);
      throw err;
    }
    return {
      async close() {
        // A connection still listening must not go back to the pool.
        const failed = await client.query({ text: 'UNLISTEN *' }).then(() => undefined, (err: Error) => err);
        client.removeListener('notification', onNotification);
        client.release(failed);
      },
    };
  }
}
