import type { Engine } from '../engine.js';
import { type Attr, CHUNK_SIZE, type Ino, type SliceRecord } from '../types.js';

/** How many files' chunks are read in one engine transaction. */
const FILES_PER_TXN = 200;

/** A chunk record no operation should ever write, and why. */
export interface MalformedRecord {
  ino: Ino;
  index: number;
  record: SliceRecord;
  why: string;
}

/** Why a record is malformed, or undefined when it is well formed. */
export function recordProblem(r: SliceRecord, sliceSize?: number): string | undefined {
  if (![r.pos, r.id, r.size, r.off, r.len].every(Number.isSafeInteger)) return 'a field is not an integer';
  if (r.len <= 0) return `length ${r.len} is not positive`;
  if (r.pos < 0 || r.pos + r.len > CHUNK_SIZE) return `[${r.pos}, ${r.pos + r.len}) lies outside the chunk`;
  if (r.id < 0) return `slice id ${r.id} is negative`;
  if (r.id === 0) return undefined;
  if (r.off < 0 || r.off + r.len > r.size) return `[${r.off}, ${r.off + r.len}) lies outside its slice of ${r.size} bytes`;
  if (sliceSize !== undefined && sliceSize !== r.size) return `records slice size ${r.size}, the slice has ${sliceSize}`;
  return undefined;
}

/**
 * Reads every chunk of the given files (those up to their length, and chunk 0) and returns the
 * records that are malformed: a zero or negative length, a range outside the chunk or outside its
 * slice, a slice size that disagrees with the slice's record. Kept apart from the scan so that it
 * can run over any iteration of the volume's files.
 */
export async function findMalformedRecords(
  engine: Engine,
  options: { files: Iterable<Attr>; sliceSize?: (id: number) => number | undefined },
): Promise<MalformedRecord[]> {
  const found: MalformedRecord[] = [];
  const batch: Attr[] = [];
  const flush = async () => {
    const files = batch.splice(0);
    const inBatch = await engine.txn(async (tx) => {
      const out: MalformedRecord[] = [];
      for (const attr of files) {
        const chunks = Math.max(1, Math.ceil(attr.length / CHUNK_SIZE));
        for (let index = 0; index < chunks; index++) {
          for (const record of await tx.getChunk(attr.ino, index)) {
            const why = recordProblem(record, record.id === 0 ? undefined : options.sliceSize?.(record.id));
            if (why) out.push({ ino: attr.ino, index, record, why });
          }
        }
      }
      return out;
    });
    found.push(...inBatch);
  };
  for (const attr of options.files) {
    if (attr.type !== 'file') continue;
    batch.push(attr);
    if (batch.length >= FILES_PER_TXN) await flush();
  }
  if (batch.length) await flush();
  return found;
}
