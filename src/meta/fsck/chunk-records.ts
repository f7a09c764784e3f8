import { CHUNK_SIZE, type SliceRecord } from '../types.js';

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
