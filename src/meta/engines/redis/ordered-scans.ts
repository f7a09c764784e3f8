import type { ChunkRecordCursor, ChunkRecordRow, SymlinkRow, XattrRow } from '../../engine.js';
import type { Attr, Edge, Ino, SliceId } from '../../types.js';
import { asArray, asBuffer, asNumber, pairs, unpackAttr, unpackEntry, unpackRecords } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import { evalScript } from './key-reader.js';
import type { RedisLike } from './redis-like.js';
import { LIST_ENTRIES } from './scripts.js';
import { fieldLengths, scanTagged } from './volume-scan.js';

/** How long a listing of ids serves the pages of one pass. */
const LIST_TTL_MS = 60_000;
/** Keys per MGET/HMGET and directories listed at once. */
const BATCH = 1000;
const DIR_WINDOW = 16;
/** Inline data values per HMGET (up to 64 KiB each). */
const DATA_BATCH = 100;

/** Index of the first id above `after` in a sorted list. */
function firstAfter(ids: readonly number[], after: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The paged whole-volume scans (fsck, gc). Redis keeps no order across keys, so a pass lists
 * the ids once (SCAN, or HSCAN of the slice hash), sorted, and later pages reuse that listing;
 * values are always read fresh. Not isolated, like the scans of the other engines.
 */
export class OrderedScans {
  private readonly lists = new Map<string, { ids: number[]; at: number }>();

  constructor(
    private readonly conn: RedisLike,
    private readonly keys: KeyLayout,
  ) {}

  private async sorted(kind: string, restart: boolean, load: () => Promise<number[]>): Promise<number[]> {
    const cached = this.lists.get(kind);
    if (!restart && cached && Date.now() - cached.at < LIST_TTL_MS) return cached.ids;
    // SCAN and HSCAN may return a key or field twice (the table was resized meanwhile): each id once.
    const ids = (await load()).sort((a, b) => a - b).filter((id, i, all) => i === 0 || id !== all[i - 1]);
    this.lists.set(kind, { ids, at: Date.now() });
    return ids;
  }

  async inodes(after: number, limit: number): Promise<Attr[]> {
    const inos = await this.sorted('inodes', after === 0, () => scanTagged(this.conn, this.keys, 'i'));
    const out: Attr[] = [];
    for (let at = firstAfter(inos, after); at < inos.length && out.length < limit; at += BATCH) {
      const batch = inos.slice(at, at + BATCH) as Ino[];
      const values = asArray(await this.conn.sendCommand(['MGET', ...batch.map((i) => this.keys.inode(i))]));
      values.forEach((v, i) => {
        const b = asBuffer(v);
        if (b && out.length < limit) out.push(unpackAttr(batch[i]!, b));
      });
    }
    return out;
  }

  async edges(after: { parent: Ino; name: Buffer } | undefined, limit: number): Promise<Array<{ parent: Ino; edge: Edge }>> {
    const dirs = await this.sorted('dirs', after === undefined, () => scanTagged(this.conn, this.keys, 'n'));
    const out: Array<{ parent: Ino; edge: Edge }> = [];
    for (let at = firstAfter(dirs, (after?.parent ?? 0) - 1); at < dirs.length && out.length < limit; at += DIR_WINDOW) {
      const window = dirs.slice(at, at + DIR_WINDOW) as Ino[];
      const pages = await Promise.all(
        window.map((dir) => {
          const start = dir === after?.parent ? Buffer.concat([Buffer.from('('), after.name]) : '-';
          const keys = [this.keys.entries(dir), this.keys.names(dir)];
          return evalScript(this.conn, LIST_ENTRIES, { keys, args: [start, String(limit - out.length)] });
        }),
      );
      pages.forEach((page, i) => {
        for (const [name, value] of pairs(page)) {
          if (out.length < limit) out.push({ parent: window[i]!, edge: unpackEntry(name, value) });
        }
      });
    }
    return out;
  }

  async slices(after: number, limit: number): Promise<Array<{ id: SliceId; size: number; refs: number }>> {
    const ids = await this.sorted('slices', after === 0, () => this.sliceIds());
    const out: Array<{ id: SliceId; size: number; refs: number }> = [];
    for (let at = firstAfter(ids, after); at < ids.length && out.length < limit; at += BATCH) {
      const batch = ids.slice(at, at + BATCH).map(String);
      const [refs, sizes] = (
        await Promise.all([
          this.conn.sendCommand(['HMGET', this.keys.sliceRefs, ...batch]),
          this.conn.sendCommand(['HMGET', this.keys.sliceSizes, ...batch]),
        ])
      ).map(asArray);
      batch.forEach((id, i) => {
        if (refs![i] != null && out.length < limit) out.push({ id: Number(id) as SliceId, refs: asNumber(refs![i]), size: asNumber(sizes![i]) });
      });
    }
    return out;
  }

  /** Inline data after `after`: the ids listed once per pass (without the values), the bytes read fresh, a few at a time. */
  async sliceData(after: number, limit: number): Promise<Array<{ id: SliceId; data: Buffer }>> {
    const ids = await this.sorted('sliceData', after === 0, async () => [...(await fieldLengths(this.conn, this.keys.sliceData)).keys()]);
    const out: Array<{ id: SliceId; data: Buffer }> = [];
    for (let at = firstAfter(ids, after); at < ids.length && out.length < limit; ) {
      const batch = ids.slice(at, at + Math.min(DATA_BATCH, limit - out.length)).map(String);
      at += batch.length;
      const values = asArray(await this.conn.sendCommand(['HMGET', this.keys.sliceData, ...batch]));
      batch.forEach((id, i) => {
        const data = asBuffer(values[i]);
        if (data) out.push({ id: Number(id) as SliceId, data });
      });
    }
    return out;
  }

  private async sliceIds(): Promise<number[]> {
    const ids: number[] = [];
    let cursor = '0';
    do {
      const [next, flat] = asArray(await this.conn.sendCommand(['HSCAN', this.keys.sliceRefs, cursor, 'COUNT', String(BATCH)]));
      cursor = asBuffer(next)!.toString();
      const fields = asArray(flat);
      for (let i = 0; i < fields.length; i += 2) ids.push(asNumber(fields[i]));
    } while (cursor !== '0');
    return ids;
  }

  /** Chunk records after the cursor, from the chunk hashes of the inodes listed in order. */
  async chunkRecords(after: ChunkRecordCursor | undefined, limit: number): Promise<ChunkRecordRow[]> {
    const inos = await this.sorted('chunks', after === undefined, () => scanTagged(this.conn, this.keys, 'c'));
    const a = after ?? { ino: -1, index: 0, seq: -1 };
    const out: ChunkRecordRow[] = [];
    for (let at = firstAfter(inos, a.ino - 1); at < inos.length && out.length < limit; at += DIR_WINDOW) {
      const window = inos.slice(at, at + DIR_WINDOW) as Ino[];
      const replies = await Promise.all(window.map((ino) => this.conn.sendCommand(['HGETALL', this.keys.chunks(ino)])));
      replies.forEach((reply, i) => {
        const ino = window[i]!;
        const chunks = pairs(reply).map(([field, packed]) => ({ index: Number(field.toString()), records: unpackRecords(packed) }));
        for (const { index, records } of chunks.sort((x, y) => x.index - y.index)) {
          records.forEach((record, seq) => {
            const later = ino > a.ino || index > a.index || (index === a.index && seq > a.seq);
            if (later && out.length < limit) out.push({ ino, index, seq, record });
          });
        }
      });
    }
    return out;
  }

  /** Symlink targets after `after`, from the target keys listed in order. */
  async symlinks(after: number, limit: number): Promise<SymlinkRow[]> {
    const inos = await this.sorted('symlinks', after === 0, () => scanTagged(this.conn, this.keys, 's'));
    const out: SymlinkRow[] = [];
    for (let at = firstAfter(inos, after); at < inos.length && out.length < limit; at += BATCH) {
      const batch = inos.slice(at, at + BATCH) as Ino[];
      const values = asArray(await this.conn.sendCommand(['MGET', ...batch.map((i) => this.keys.symlink(i))]));
      values.forEach((v, i) => {
        const target = asBuffer(v);
        if (target && out.length < limit) out.push({ ino: batch[i]!, target });
      });
    }
    return out;
  }

  /** Extended attributes after (`ino`, `name`), names sorted as JavaScript strings. */
  async xattrs(after: { ino: Ino; name: string } | undefined, limit: number): Promise<XattrRow[]> {
    const inos = await this.sorted('xattrs', after === undefined, () => scanTagged(this.conn, this.keys, 'x'));
    const a = after ?? { ino: -1, name: '' };
    const out: XattrRow[] = [];
    for (let at = firstAfter(inos, a.ino - 1); at < inos.length && out.length < limit; at += DIR_WINDOW) {
      const window = inos.slice(at, at + DIR_WINDOW) as Ino[];
      const replies = await Promise.all(window.map((ino) => this.conn.sendCommand(['HGETALL', this.keys.xattrs(ino)])));
      replies.forEach((reply, i) => {
        const ino = window[i]!;
        const named = pairs(reply).map(([name, value]) => ({ name: name.toString(), value }));
        for (const { name, value } of named.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
          if ((ino > a.ino || name > a.name) && out.length < limit) out.push({ ino, name, value });
        }
      });
    }
    return out;
  }
}
