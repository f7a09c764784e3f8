import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Volume } from '../../src/sdk/index.js';

/** The slice of better-sqlite3 the SQLite dialect's writer connection is (reached into for recording). */
interface SqliteWriter {
  pragma(sql: string): unknown;
  exec(sql: string): void;
}

/**
 * Records, in one ordered list, what makes data durable on a SQLite + file:// volume:
 * - `fdatasync <key>` / `fsync <dir>`: the file store's fsync calls (paths relative to the store),
 * - `store.sync <n>`: calls of the store's `sync` (the wrapper the writer calls),
 * - `COMMIT FULL` / `COMMIT NORMAL`: each commit of the real SQLite dialect's writer, with the
 *   synchronous mode it ran under (FULL syncs the WAL).
 */
export function recordDurability(volume: Volume, storageDir: string): { events: string[]; stop(): void } {
  const events: string[] = [];
  const undo: Array<() => void> = [];

  const open = fs.open;
  fs.open = (async (file: string, ...rest: unknown[]) => {
    const handle = await (open as (...a: unknown[]) => Promise<fs.FileHandle>)(file, ...rest);
    const rel = path.relative(storageDir, String(file));
    if (rel.startsWith('..') && rel !== '..') return handle; // not the store's
    const { sync, datasync } = handle;
    handle.sync = async () => {
      await sync.call(handle);
      events.push(`fsync ${rel || '.'}`);
    };
    handle.datasync = async () => {
      await datasync.call(handle);
      events.push(`fdatasync ${rel}`);
    };
    return handle;
  }) as typeof fs.open;
  undo.push(() => void (fs.open = open));

  const store = volume.vfs.chunks.store;
  const storeSync = store.sync;
  store.sync = async (keys) => {
    events.push(`store.sync ${keys.length}`);
    return storeSync.call(store, keys);
  };
  undo.push(() => void (store.sync = storeSync));

  const writer = (volume.meta.engine as unknown as { d: { writer: { db: SqliteWriter } } }).d.writer.db;
  const { pragma, exec } = writer;
  let mode = 'NORMAL';
  writer.pragma = (sql: string) => {
    const m = /^synchronous\s*=\s*(\w+)/i.exec(sql);
    if (m) mode = m[1]!.toUpperCase();
    return pragma.call(writer, sql);
  };
  writer.exec = (sql: string) => {
    exec.call(writer, sql);
    if (/^COMMIT/i.test(sql)) events.push(`COMMIT ${mode}`);
  };
  undo.push(() => Object.assign(writer, { pragma, exec }));

  return { events, stop: () => undo.reverse().forEach((f) => f()) };
}
