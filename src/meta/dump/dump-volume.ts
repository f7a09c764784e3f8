import type { VolumeView } from '../engine.js';
import { IdBits } from '../fsck/id-table.js';
import type { Ino } from '../types.js';
import { ChunkLines, dumpSlices, PAGE } from './dump-contents.js';
import { encodeBytes, inodeRecord } from './dump-format.js';
import type { DumpSink } from './dump-sink.js';

/** What a whole-volume dump left out or changed. */
export interface WholeDumpNotes {
  /** Unlinked files a client still held open: left out (they go away when it closes them). */
  openUnlinked: number;
  /** Slices whose stored reference count differed from the records dumped (the dump writes the records' count). */
  refsCorrected: number;
}

/**
 * Writes every table of the volume in key order, page by page, in bounded memory: inodes,
 * symlink targets, xattrs, entries, chunks (one line per chunk), slices with the number of
 * records that reference them, the deletion queue and detached clone trees (owned by no session:
 * gc on the loaded volume removes them) and directory quotas. Sessions, locks and open-file records are not dumped;
 * an unlinked file held open is left out with its records.
 */
export async function dumpWholeVolume(view: VolumeView, sink: DumpSink, options: { quotas?: boolean } = {}): Promise<WholeDumpNotes> {
  const held = new Set<number>();
  for (const s of await view.listSessions()) for (const ino of await view.listSustained(s.id)) held.add(ino);
  const skipped = new IdBits();
  let openUnlinked = 0;
  for (let after = 0, page; (page = await view.scanInodes(after, PAGE)).length; after = page[page.length - 1]!.ino) {
    for (const a of page) {
      if (a.nlink === 0 && held.has(a.ino)) {
        skipped.add(a.ino);
        openUnlinked++;
      } else sink.add(inodeRecord(a));
    }
    await sink.flush('inodes');
  }
  for (let after = 0, page; (page = await view.scanSymlinks(after, PAGE)).length; after = page[page.length - 1]!.ino) {
    for (const s of page) if (!skipped.has(s.ino)) sink.add({ t: 'symlink', ino: s.ino, target: encodeBytes(s.target) });
    await sink.flush('symlinks');
  }
  for (let after: { ino: Ino; name: string } | undefined, page; (page = await view.scanXattrs(after, PAGE)).length; after = page[page.length - 1]!) {
    for (const x of page) if (!skipped.has(x.ino)) sink.add({ t: 'xattr', ino: x.ino, name: x.name, value: x.value.toString('base64') });
    await sink.flush('xattrs');
  }
  for (let after: { parent: Ino; name: Buffer } | undefined, page; (page = await view.scanEdges(after, PAGE)).length; ) {
    for (const { parent, edge } of page) sink.add({ t: 'edge', parent, name: encodeBytes(edge.name), ino: edge.ino, type: edge.type });
    const last = page[page.length - 1]!;
    after = { parent: last.parent, name: last.edge.name };
    await sink.flush('entries');
  }
  const chunks = new ChunkLines(sink);
  for (let after, page; (page = await view.scanChunkRecords(after, PAGE)).length; after = page[page.length - 1]!) {
    for (const row of page) if (!skipped.has(row.ino)) chunks.add(row);
    await sink.flush('chunks');
  }
  chunks.close();
  const { corrected } = await dumpSlices(view, { sink, refs: chunks.refs, pendingUnreferenced: true });
  for (let after = 0, page; (page = await view.pendingSlices(PAGE, after)).length; after = page[page.length - 1]!.id) {
    for (const p of page) sink.add({ t: 'pending', id: p.id, size: p.size });
    await sink.flush('pending');
  }
  for (const d of await view.listDetached()) sink.add({ t: 'detached', ino: d.ino, createdAt: d.createdAt });
  // Only a volume that has had quotas is asked for them (an older one may not have their table yet).
  for (const q of options.quotas ? await view.listQuotas() : []) {
    sink.add({ t: 'quota', ino: q.ino, capacity: q.capacity, inodes: q.inodeLimit, usedBytes: q.usedBytes, usedInodes: q.usedInodes });
  }
  return { openUnlinked, refsCorrected: corrected };
}
