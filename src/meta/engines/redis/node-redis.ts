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
 * Connects a shared client with node-redis; the pool for transactions is made at the first
 * transaction (building node-redis's client classes costs a read-only CLI call about 0.15 s).
 * The first connection failure is final (a clear error naming the URL); once open, lost
 * connections are retried with backoff.
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
  const cannotConnect = (err: unknown) =>
    new CodedError('ERR_ENGINE', `${url.display}: cannot connect to Redis: ${(err as Error)?.message || String(err)}`, {
      subject: url.display,
      cause: err,
    });
  const client = createClient(options);
  // Without listeners an 'error' event would crash the process; failures surface on the commands.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    throw cannotConnect(err);
  }
  opened = true;
  // Made at the first transaction; by then the volume is open, so its connections retry like the client's.
  const makePool = () => createClientPool(options, { minimum: 1, maximum: POOL_SIZE, acquireTimeout: ACQUIRE_TIMEOUT_MS });
  let pool: Promise<ReturnType<typeof makePool>> | undefined;
  const openPool = async () => {
    const made = makePool();
    made.on('error', () => undefined);
    try {
      await made.connect();
    } catch (err) {
      made.destroy();
      pool = undefined; // the next transaction tries again
      throw cannotConnect(err);
    }
    return made;
  };
  return {
    client: client as unknown as RedisLike,
    pool: {
      async execute(fn) {
        const ready = await (pool ??= openPool());
        return ready.execute((conn) => fn(conn as unknown as RedisLike));
      },
    },
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
      await pool?.then((p) => p.close(), () => undefined);
      await client.close();
    },
  };
}
