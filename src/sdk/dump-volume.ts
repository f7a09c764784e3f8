import { CodedError, FsError, redactUrl } from '../errors/index.js';
import { dumpEngine, type DumpReport } from '../meta/dump/dump.js';
import { parseHeader } from '../meta/dump/dump-format.js';
import { beginLoad, loadRecords, type LoadReport } from '../meta/dump/load.js';
import type { Engine } from '../meta/engine.js';
import { readOnlyEngine } from '../meta/read-only-engine.js';
import { openEngine } from '../meta/registry.js';
import { openDumpInput, openDumpOutput } from './dump-files.js';

export type { DumpReport } from '../meta/dump/dump.js';
export type { LoadReport } from '../meta/dump/load.js';

/** Options of `dumpVolume`. */
export interface DumpVolumeOptions {
  /** Only the tree under this directory; a load of the dump makes it the root. */
  subdir?: string;
  onProgress?: (phase: string, records: number) => void;
}

/**
 * Writes a volume's metadata as a dump (docs/operations.md) to `output`: a file (gzip when its
 * name ends in `.gz`; written as `.partial` and renamed when complete) or a stream. Opens the
 * engine read-only: no session, nothing written to the volume.
 */
export async function dumpVolume(metaUrl: string, output: string | NodeJS.WritableStream, options: DumpVolumeOptions = {}): Promise<DumpReport> {
  const engine = readOnlyEngine(await openEngine(metaUrl, { create: false, readOnly: true }));
  const out = openDumpOutput(output);
  try {
    const settings = await engine.loadSettings();
    if (!settings) throw new CodedError('ERR_NOT_FORMATTED', `${redactUrl(metaUrl)}: no volume here`, { subject: metaUrl });
    if (settings.loadStarted !== undefined) {
      throw new CodedError('ERR_PARTIAL_LOAD', `${redactUrl(metaUrl)}: holds a load that did not finish; nothing to dump`, { subject: metaUrl });
    }
    const report = await dumpEngine(engine, { write: (text) => out.write(text), subdir: options.subdir, onProgress: options.onProgress });
    await out.commit();
    return report;
  } catch (err) {
    await out.abandon();
    throw err;
  } finally {
    await engine.close();
  }
}

/** Options of `loadVolume`. */
export interface LoadVolumeOptions {
  /** Discard an interrupted load found in the target (its `loadStarted` mark), then load. */
  restart?: boolean;
  /** Records per transaction. */
  batchSize?: number;
  onProgress?: (records: number) => void;
}

/** An engine ready to load into: empty, or holding an interrupted load that `restart` discards. */
async function emptyTarget(metaUrl: string, restart: boolean): Promise<Engine> {
  const engine = await openEngine(metaUrl, { create: true });
  const settings = await engine.loadSettings().catch(async (err) => {
    await engine.close();
    throw err;
  });
  if (!settings) return engine;
  const where = redactUrl(metaUrl);
  if (settings.loadStarted === undefined) {
    await engine.close();
    throw new FsError('EEXIST', { syscall: 'load', path: where, detail: `it holds volume '${settings.name}' (${settings.uuid}); load only into an empty target` });
  }
  if (!restart) {
    await engine.close();
    throw new FsError('ENOTEMPTY', {
      syscall: 'load',
      path: where,
      detail: `it holds a load of '${settings.name}' that started at ${new Date(settings.loadStarted).toISOString()} and did not finish; rerun with --restart to discard it`,
    });
  }
  await engine.destroy();
  return openEngine(metaUrl, { create: true });
}

/**
 * Loads a dump (a file, gunzipped when named `.gz`, or a stream) into an empty metadata engine
 * of any kind, in batches. The loaded volume uses the same object store as the dumped one: no
 * object is copied. Until the load's last step the volume carries a `loadStarted` mark that
 * every client refuses; a load that fails on a bad dump removes what it wrote, and one that is
 * killed leaves the mark, which `restart` clears.
 */
export async function loadVolume(metaUrl: string, input: string | NodeJS.ReadableStream, options: LoadVolumeOptions = {}): Promise<LoadReport> {
  const source = openDumpInput(input);
  try {
    const first = await source.lines.next();
    const header = parseHeader(first.done ? undefined : first.value);
    const engine = await emptyTarget(metaUrl, Boolean(options.restart));
    let loaded = false;
    try {
      await beginLoad(engine, header.settings);
      const report = await loadRecords(engine, { header, lines: source.lines, batchSize: options.batchSize, onProgress: options.onProgress });
      loaded = true;
      return report;
    } finally {
      if (loaded) await engine.close();
      else await engine.destroy().catch(() => engine.close());
    }
  } finally {
    source.close();
  }
}
