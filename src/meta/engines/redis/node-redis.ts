import { createClient, createClientPool, RESP_TYPES, WatchError } from 'redis';
import { CodedError } from '../../../errors/index.js';
import type { RedisConnections, RedisLike } from './redis-like.js';
import type { RedisUrl } from './redis-url.js';

const CONNECT_TIMEOUT_MS = 5_000;
/** Isolated connections for concurrent transactions of one client. */
const POOL_SIZE = 32;
/** How long a transaction may wait for a free pooled connection. */
const ACQUIRE_TIMEOUT_MS = 60_000;

/** Bulk strings as Buffers (names and values are bytes), maps as flat arrays (binary field names). */
const TYPE_MAPPING = { [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.MAP]: Array } as const;
/**
 * No per-command timeout (node-redis 6 arms 5 s on every command by default): an EXEC that
 * times out on the client may still apply on the server, and a big batch may take longer.
 */
const COMMAND_OPTIONS = { typeMapping: TYPE_MAPPING, timeout: 0 };

/**
 * Connects a shared client and a pool with node-redis. The first connection failure is final
 * (a clear error naming the URL); once open, lost connections are retried with backoff.
 */
export async function connectNodeRedis(url: RedisUrl): Promise<RedisConnections> {
  let opened = false;
  const options = {
    url: url.connect,
    commandOptions: COMMAND_OPTIONS,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number, cause: Error) => (opened ? Math.min(50 * 2 ** retries, 2000) : cause),
    },
  };
  const client = createClient(options);
  const pool = createClientPool(options, { minimum: 1, maximum: POOL_SIZE, acquireTimeout: ACQUIRE_TIMEOUT_MS });
  // Without listeners an 'error' event would crash the process; failures surface on the commands.
  client.on('error', () => undefined);
  pool.on('error', () => undefined);
  const connecting = [client.connect(), pool.connect()];
  const failed = (await Promise.allSettled(connecting)).find((r) => r.status === 'rejected');
  if (failed) {
    const err = failed.reason as unknown;
    client.destroy();
    pool.destroy();
    const why = (err as Error)?.message || String(err);
    throw new CodedError('ERR_ENGINE', `${url.display}: cannot connect to Redis: ${why}`, { subject: url.display, cause: err });
  }
  opened = true;
  return {
    client: client as unknown as RedisLike,
    pool: { execute: (fn) => pool.execute((conn) => fn(conn as unknown as RedisLike)) },
    isConflict: (err) => err instanceof WatchError,
    async subscribe(channel, listener) {
      const subscriber = client.duplicate();
      subscriber.on('error', () => undefined);
      await subscriber.connect();
      await subscriber.subscribe(channel, (message: unknown) => listener(String(message)));
      return async () => {
        await subscriber.unsubscribe(channel).catch(() => undefined);
        await subscriber.close();
      };
    },
    async close() {
      await pool.close();
      await client.close();
    },
  };
}
