import { createClient } from 'redis';
import { asArray, asBuffer, asNumber } from './codec.js';
import type { RedisLike } from './redis-like.js';

/** The Redis server tests use; an unreachable server fails the tests loudly, never skips them. */
export const REDIS_TEST_SERVER = process.env.SLICEFS_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';

/** Key prefixes tests may create and delete: `slicefs-test-<pid>-<n>:`. */
export const TEST_PREFIX = /^slicefs-test-\d+-\d+:$/;

/** Runs `fn` with a plain connection to the test server. */
export async function onRedisTestServer<T>(fn: (conn: RedisLike) => Promise<T>): Promise<T> {
  const client = createClient({ url: REDIS_TEST_SERVER, socket: { connectTimeout: 5000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Redis test server ${REDIS_TEST_SERVER} is not reachable (${(err as Error).message}); start it with ` +
        `'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no' or point SLICEFS_TEST_REDIS at one`,
      { cause: err },
    );
  }
  try {
    return await fn(client as unknown as RedisLike);
  } finally {
    await client.close();
  }
}

/** Every key under a test prefix (not only those of the volume layout). */
export async function keysWithPrefix(conn: RedisLike, prefix: string): Promise<string[]> {
  if (!TEST_PREFIX.test(prefix)) throw new Error(`refusing to touch keys under '${prefix}': not a test prefix`);
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = asArray(await conn.sendCommand(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000']));
    cursor = asBuffer(next)!.toString();
    keys.push(...asArray(found).map((k) => asBuffer(k)!.toString()));
  } while (cursor !== '0');
  return keys;
}

/** Deletes every key under a test prefix; returns how many there were. */
export async function deleteTestPrefix(prefix: string): Promise<number> {
  return onRedisTestServer(async (conn) => {
    const keys = await keysWithPrefix(conn, prefix);
    let deleted = 0;
    for (let i = 0; i < keys.length; i += 1000) deleted += asNumber(await conn.sendCommand(['UNLINK', ...keys.slice(i, i + 1000)]));
    return deleted;
  });
}
