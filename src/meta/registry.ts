import { urlScheme } from '../errors/index.js';
import type { Engine, EngineOpenOptions } from './engine.js';
import { MemoryEngine } from './engines/memory/memory-engine.js';
import { openSqliteEngine } from './engines/sql/dialects/sqlite.js';

/** Opens an engine from its metadata URL; one entry per scheme. */
export type EngineFactory = (url: string, options: EngineOpenOptions) => Promise<Engine>;

/** Every metadata URL scheme slicefs understands, and how to open it. */
export const engineFactories: Readonly<Record<string, EngineFactory>> = {
  sqlite3: openSqliteEngine,
  mem: async (url) => new MemoryEngine(url),
};

/** Opens the engine a metadata URL names. */
export async function openEngine(url: string, options: EngineOpenOptions = { create: false }): Promise<Engine> {
  const scheme = urlScheme(url, Object.keys(engineFactories), 'metadata');
  return engineFactories[scheme]!(url, options);
}
