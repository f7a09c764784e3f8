import { CodedError, FsError } from '../../errors/index.js';
import type { Engine, VolumeView } from '../engine.js';
import { plainView } from '../plain-view.js';
import { type Ino, ROOT_INO } from '../types.js';
import { DUMP_FORMAT, DUMP_VERSION, type DumpHeader } from './dump-format.js';
import { type DumpCounts, DumpSink, type DumpWrite } from './dump-sink.js';
import { dumpSubtree } from './dump-subtree.js';
import { dumpWholeVolume } from './dump-volume.js';

/** Options of `dumpEngine`. */
export interface DumpOptions {
  /** Receives the dump's text, a page of lines at a time; resolves when more may be written. */
  write: DumpWrite;
  /** Dump only the tree under this directory (a volume path); it becomes the root of a loaded volume. */
  subdir?: string;
  onProgress?: (phase: string, n: number) => void;
}

/** What a dump wrote. */
export interface DumpReport extends DumpCounts {
  consistency: DumpHeader['consistency'];
  subdir?: string;
  /** Unlinked files clients held open, left out (whole-volume dumps). */
  openUnlinked: number;
  /** Slices whose stored reference count differed from the records dumped (whole-volume dumps). */
  refsCorrected: number;
  /** Entries naming a missing inode, left out (`--subdir`). */
  danglingEntries: number;
}

/** The inode of a directory path, resolved with the engine's committed state (before the snapshot). */
async function resolveDir(engine: Engine, path: string): Promise<Ino> {
  let ino = ROOT_INO;
  for (const name of path.split('/').filter((p) => p && p !== '.')) {
    if (name === '..') throw new FsError('EINVAL', { syscall: 'dump', path, detail: '--subdir must not contain ..' });
    const edge = await engine.read((tx) => tx.getEdge(ino, Buffer.from(name)));
    if (!edge) throw new FsError('ENOENT', { syscall: 'dump', path });
    if (edge.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'dump', path, detail: '--subdir must name a directory' });
    ino = edge.ino;
  }
  return ino;
}

/**
 * Writes a volume's metadata (or one tree's) as a dump (docs/operations.md): a header line, then
 * one JSON record per line, then an `end` line with the count. Engines with snapshots (SQLite,
 * PostgreSQL, memory) are read in one read transaction, so the dump is one instant of a volume
 * that clients go on changing; Redis is read page by page (`consistency: none` in the header).
 */
export async function dumpEngine(engine: Engine, options: DumpOptions): Promise<DumpReport> {
  const settings = await engine.loadSettings();
  if (!settings) throw new CodedError('ERR_NOT_FORMATTED', 'no volume to dump here', {});
  const root = options.subdir === undefined ? ROOT_INO : await resolveDir(engine, options.subdir);
  const subdir = root === ROOT_INO ? undefined : options.subdir;
  const consistency = engine.snapshot ? 'snapshot' : 'none';
  const run = async (view: VolumeView): Promise<DumpReport> => {
    const header: DumpHeader = {
      format: DUMP_FORMAT, version: DUMP_VERSION, createdAt: Date.now(), engine: engine.scheme, consistency,
      ...(subdir === undefined ? {} : { subdir }),
      settings,
      counters: { nextInode: await view.getCounter('nextInode'), nextSlice: await view.getCounter('nextSlice') },
    };
    await options.write(`${JSON.stringify(header)}\n`);
    const sink = new DumpSink(options.write, options.onProgress);
    const notes = { openUnlinked: 0, refsCorrected: 0, danglingEntries: 0 };
    if (subdir === undefined) Object.assign(notes, await dumpWholeVolume(view, sink, { quotas: settings.quotas }));
    else Object.assign(notes, await dumpSubtree(view, { root, path: subdir, sink }));
    await sink.end();
    return { ...sink.counts, consistency, ...(subdir === undefined ? {} : { subdir }), ...notes };
  };
  return engine.snapshot ? engine.snapshot(run) : run(plainView(engine));
}
