import type { Engine, EngineTx } from '../engine.js';
import { type Attr, type CounterName, FIRST_INTERNAL_INO, MAX_INLINE_SIZE, RECLAIMING_SESSION, ROOT_INO, type SliceId, type VolumeSettings } from '../types.js';
import { attrOf, badDump, COUNTER_OF, decodeBytes, type DumpHeader, type DumpRecord, noRecords, type RecordCounts, recordsOf } from './dump-format.js';

/** Records per load transaction. */
export const LOAD_BATCH = 2_000;

/** What a load wrote, by kind of record. */
export interface LoadReport extends RecordCounts {
  /** Transactions it took. */
  batches: number;
}

/** A slice record's inline data (checked whole and small when its line was parsed). */
const inlineBytes = (r: { data?: string }): Buffer => Buffer.from(r.data ?? '', 'base64');

type Handlers = { [K in DumpRecord['t']]: (tx: EngineTx, r: Extract<DumpRecord, { t: K }>) => Promise<void> };

const APPLY: Handlers = {
  inode: (tx, r) => tx.putInode(attrOf(r)),
  symlink: (tx, r) => tx.putSymlink(r.ino, decodeBytes(r.target)),
  xattr: (tx, r) => tx.putXattr(r.ino, r.name, Buffer.from(r.value, 'base64')),
  edge: (tx, r) => tx.putEdge(r.parent, { name: decodeBytes(r.name), ino: r.ino, type: r.type }),
  chunk: (tx, r) => tx.appendChunk(r.ino, r.index, recordsOf(r)),
  async slice(tx, r) {
    await tx.createSlice(r.id as SliceId, r.size);
    if (r.data !== undefined) await tx.putSliceData(r.id as SliceId, inlineBytes(r));
    if (r.refs > 1) await tx.addSliceRefs(new Array<SliceId>(r.refs - 1).fill(r.id as SliceId));
  },
  async pending(tx, r) {
    // Created and dropped at once: the engine's own path into the deletion queue.
    await tx.createSlice(r.id as SliceId, r.size);
    if (r.data !== undefined) await tx.putSliceData(r.id as SliceId, inlineBytes(r));
    await tx.dropSliceRefs([r.id as SliceId]);
  },
  detached: (tx, r) => tx.putDetached({ ino: r.ino, session: RECLAIMING_SESSION, createdAt: r.createdAt }),
  quota: (tx, r) => tx.putQuota({ ino: r.ino, capacity: r.capacity, inodeLimit: r.inodes, usedBytes: r.usedBytes, usedInodes: r.usedInodes }),
  end: async () => {},
};


/** The counters a loaded volume must hold, summed from its records as they commit. */
class Tally {
  usedBytes = 0;
  storedSlices = 0;
  storedBytes = 0;
  maxIno = 0;
  maxSlice = 0;

  add(r: DumpRecord): void {
    if (r.t === 'inode') {
      if (r.type === 'file') this.usedBytes += r.length;
      if (r.ino < FIRST_INTERNAL_INO) this.maxIno = Math.max(this.maxIno, r.ino);
    } else if (r.t === 'slice' || r.t === 'pending') {
      this.storedSlices++;
      this.storedBytes += r.size;
      this.maxSlice = Math.max(this.maxSlice, r.id);
    }
  }
}

/**
 * Starts a load: formats the empty engine with the dump's settings, marked `loadStarted` so that
 * no client opens the volume before the load's last step. The root written here is replaced by
 * the dump's.
 */
export async function beginLoad(engine: Engine, settings: VolumeSettings): Promise<void> {
  const t = { sec: Math.floor(Date.now() / 1000), nsec: 0 };
  const root: Attr = { ino: ROOT_INO, type: 'dir', mode: 0o755, uid: 0, gid: 0, nlink: 2, length: 0, rdev: 0, atime: t, mtime: t, ctime: t, parent: ROOT_INO };
  await engine.format({ ...settings, loadStarted: Date.now() }, root, false);
}

/** Parses one record line, naming the line when it is not one. */
function parseRecord(text: string, line: number): DumpRecord {
  let r: DumpRecord;
  try {
    r = JSON.parse(text) as DumpRecord;
  } catch {
    throw badDump(line, 'not JSON');
  }
  if (!r || typeof r !== 'object' || !(r.t in APPLY)) throw badDump(line, `unknown record type ${JSON.stringify((r as { t?: unknown })?.t)}`);
  if ((r.t === 'slice' || r.t === 'pending') && r.data !== undefined) {
    const length = typeof r.data === 'string' ? Buffer.from(r.data, 'base64').length : -1;
    if (length !== r.size || length > MAX_INLINE_SIZE) throw badDump(line, `slice ${r.id}: inline data of ${length} bytes for a slice of ${r.size} (at most ${MAX_INLINE_SIZE})`);
  }
  return r;
}

/**
 * Writes the records after a dump's header into a volume `beginLoad` started, `batchSize` per
 * transaction, then sets the counters from what was loaded and removes the `loadStarted` mark
 * (the last step: before it, the volume is a partial load that no client opens). Memory holds
 * one batch. A dump without its `end` line, or whose count differs, is refused (ERR_BAD_DUMP).
 */
export async function loadRecords(
  engine: Engine,
  options: { header: DumpHeader; lines: AsyncIterator<string>; batchSize?: number; onProgress?: (records: number) => void },
): Promise<LoadReport> {
  const report: LoadReport = { ...noRecords(), batches: 0 };
  const tally = new Tally();
  const size = options.batchSize ?? LOAD_BATCH;
  let batch: DumpRecord[] = [];
  let line = 1;
  let end: Extract<DumpRecord, { t: 'end' }> | undefined;
  const commit = async () => {
    if (!batch.length) return;
    const records = batch;
    batch = [];
    await engine.txn(async (tx) => {
      for (const r of records) await (APPLY[r.t] as (tx: EngineTx, r: DumpRecord) => Promise<void>)(tx, r);
    });
    for (const r of records) {
      const kind = COUNTER_OF[r.t];
      if (kind) report[kind]++;
      tally.add(r);
    }
    report.records += records.length;
    report.batches++;
    options.onProgress?.(report.records);
  };
  for (let next; !(next = await options.lines.next()).done; ) {
    line++;
    if (!next.value) continue;
    if (end) throw badDump(line, 'a record after the end line');
    const r = parseRecord(next.value, line);
    if (r.t === 'end') end = r;
    else batch.push(r);
    if (batch.length >= size) await commit();
  }
  await commit();
  if (!end) throw badDump(line, `the dump is cut short: no end line after ${report.records} records`);
  if (end.records !== report.records) throw badDump(line, `the end line counts ${end.records} records, the dump holds ${report.records}`);
  const counters: Array<[CounterName, number]> = [
    ['nextInode', Math.max(options.header.counters.nextInode, tally.maxIno)],
    ['nextSlice', Math.max(options.header.counters.nextSlice, tally.maxSlice)],
    ['inodes', report.inodes],
    ['usedBytes', tally.usedBytes],
    ['storedSlices', tally.storedSlices],
    ['storedBytes', tally.storedBytes],
  ];
  await engine.txn(async (tx) => {
    for (const [name, value] of counters) await tx.addCounter(name, value - (await tx.getCounter(name)));
  });
  const { loadStarted: _, ...settings } = options.header.settings;
  await engine.saveSettings(settings);
  return report;
}

