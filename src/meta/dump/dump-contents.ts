import type { ChunkRecordRow, VolumeView } from '../engine.js';
import { IdCounts } from '../fsck/id-table.js';
import { inlineDataIn } from '../inline-data.js';
import type { Ino } from '../types.js';
import { type DumpRecord, encodeBytes } from './dump-format.js';
import type { DumpSink } from './dump-sink.js';

/** Rows per page of every scan. */
export const PAGE = 5_000;

/**
 * Turns chunk record rows (in inode, index, position order) into one `chunk` line per chunk,
 * and counts every record's slice: the reference counts the dump writes are the records it
 * holds, so a load is consistent even where some inodes were left out.
 */
export class ChunkLines {
  readonly refs = new IdCounts();
  private open: Extract<DumpRecord, { t: 'chunk' }> | undefined;

  constructor(private readonly sink: DumpSink) {}

  add(row: ChunkRecordRow, ino: Ino = row.ino): void {
    if (!this.open || this.open.ino !== ino || this.open.index !== row.index) {
      this.close();
      this.open = { t: 'chunk', ino, index: row.index, records: [] };
    }
    const r = row.record;
    this.open.records.push([r.pos, r.id, r.size, r.off, r.len]);
    if (r.id !== 0) this.refs.add(r.id);
  }
  close(): void {
    if (this.open) this.sink.add(this.open);
    this.open = undefined;
  }
}

/** The slices the dumped records reference, with those counts; `pending` gets the others. */
export async function dumpSlices(
  view: VolumeView,
  options: { sink: DumpSink; refs: IdCounts; pendingUnreferenced: boolean },
): Promise<{ corrected: number }> {
  let corrected = 0;
  for (let after = 0, page; (page = await view.scanSlices(after, PAGE)).length; after = page[page.length - 1]!.id) {
    const inline = await inlineDataIn(view, { after, last: page[page.length - 1]!.id });
    for (const s of page) {
      const refs = options.refs.get(s.id);
      if (refs !== s.refs) corrected++;
      const data = inline.get(s.id)?.toString('base64');
      if (refs > 0) options.sink.add({ t: 'slice', id: s.id, size: s.size, refs, ...(data !== undefined && { data }) });
      else if (options.pendingUnreferenced) options.sink.add({ t: 'pending', id: s.id, size: s.size, ...(data !== undefined && { data }) });
    }
    await options.sink.flush('slices');
  }
  return { corrected };
}

/** One inode's symlink target, extended attributes and chunks, written as `ino` (point reads through the scans). */
export async function dumpInodeContents(
  view: VolumeView,
  options: { ino: Ino; as: Ino; type: string; sink: DumpSink; chunks: ChunkLines },
): Promise<void> {
  const { ino, as, sink } = options;
  if (options.type === 'symlink') {
    const [row] = await view.scanSymlinks(ino - 1, 1);
    if (row?.ino === ino) sink.add({ t: 'symlink', ino: as, target: encodeBytes(row.target) });
  }
  for (let after = { ino, name: '' }, page; (page = await view.scanXattrs(after, PAGE)).length; after = page[page.length - 1]!) {
    const mine = page.filter((x) => x.ino === ino);
    for (const x of mine) sink.add({ t: 'xattr', ino: as, name: x.name, value: x.value.toString('base64') });
    if (mine.length < page.length) break;
  }
  if (options.type !== 'file') return;
  for (let after = { ino, index: -1, seq: 0 }, page; (page = await view.scanChunkRecords(after, PAGE)).length; after = page[page.length - 1]!) {
    const mine = page.filter((r) => r.ino === ino);
    for (const r of mine) options.chunks.add(r, as);
    if (mine.length < page.length) break;
  }
  options.chunks.close();
}
