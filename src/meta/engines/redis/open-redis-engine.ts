import type { Engine, EngineOpenOptions } from '../../engine.js';
import { KeyLayout } from './key-layout.js';
import { connectNodeRedis } from './node-redis.js';
import { RedisEngine } from './redis-engine.js';
import { parseRedisUrl } from './redis-url.js';

/**
 * Opens a `redis://` or `rediss://` volume. Opening creates nothing: a database without the
 * volume's settings key reads as not formatted, and `format` writes the first keys.
 */
export async function openRedisEngine(url: string, _options: EngineOpenOptions): Promise<Engine> {
  const parsed = parseRedisUrl(url);
  const conns = await connectNodeRedis(parsed);
  return new RedisEngine(conns, { keys: new KeyLayout(parsed.prefix), url: parsed.display, scheme: url.slice(0, url.indexOf(':')).toLowerCase() });
}
