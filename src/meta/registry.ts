import { urlScheme } from '../errors/index.js';
import type { Engine, EngineOpenOptions } from './engine.js';
import { MemoryEngine } from './engines/memory/memory-engine.js';
import { openSqliteEngine } from './engines/sql/dialects/sqlite.js';

/** Opens an engine from its metadata URL; one entry per scheme. */
export type EngineFactory = (url: string, options: EngineOpenOptions) => Promise<Engine>;

// Network engines load on use: their client libraries cost start-up time the others should not pay.
const postgres: EngineFactory = async (url, options) => (await import('./engines/sql/dialects/postgres.js')).openPostgresEngine(url, options);
const redis: EngineFactory = async (url, options) => (await import('./engines/redis/open-redis-engine.js')).openRedisEngine(url, options);

/** Every metadata URL scheme slicefs understands, and how to open it; an alias (postgresql, rediss) maps to the same factory. */
export const engineFactories: Readonly<Record<string, EngineFactory>> = {
  sqlite3: openSqliteEngine,
  postgres,
  postgresql: postgres,
  redis,
  rediss: redis,
  mem: async (url) => new MemoryEngine(url),
};

/** Engines whose transactions run in this process (`Engine.scheme`): nothing waits on a socket for them. */
export const IN_PROCESS_ENGINES: ReadonlySet<string> = new Set(['sqlite3', 'mem']);

/** Opens the engine a metadata URL names. */
export async function openEngine(url: string, options: EngineOpenOptions = { create: false }): Promise<Engine> {
  const scheme = urlScheme(url, Object.keys(engineFactories), 'metadata');
  return engineFactories[scheme]!(url, options);
}
