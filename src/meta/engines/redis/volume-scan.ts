import type { VolumeTotals } from '../../engine.js';
import type { Attr } from '../../types.js';
import { asArray, asBuffer, asNumber, unpackAttr } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import { evalScript } from './key-reader.js';
import type { RedisLike } from './redis-like.js';
import { SCAN_LENGTHS } from './scripts.js';

const SCAN_COUNT = '1000';
/** Fields per HSCAN of the inline data hash, whose values (up to 64 KiB each) the scripts hold meanwhile. */
const DATA_SCAN_COUNT = '200';

/** The inode numbers of every per-inode key tagged `tag` (i: inodes, n: directories with entries, c: chunks). */
export async function scanTagged(conn: RedisLike, keys: KeyLayout, tag: string): Promise<number[]> {
  const inos: number[] = [];
  await scanVolumeKeys(conn, { keys, pattern: keys.tagPattern(tag) }, async (batch) => {
    for (const k of batch) {
      const ino = keys.inodeOf(k, tag);
      if (ino !== undefined) inos.push(ino);
    }
  });
  return inos;
}

/**
 * Every field of a hash with the length of its value, without transferring the values (SCAN_LENGTHS
 * pages; a field HSCAN returns twice counts once).
 */
export async function fieldLengths(conn: RedisLike, key: string): Promise<Map<number, number>> {
  const lengths = new Map<number, number>();
  let cursor = '0';
  do {
    const [next, ...page] = asArray(await evalScript(conn, SCAN_LENGTHS, { keys: [key], args: [cursor, DATA_SCAN_COUNT] }));
    cursor = asBuffer(next)!.toString();
    for (let i = 0; i < page.length; i += 2) lengths.set(asNumber(page[i]), asNumber(page[i + 1]));
  } while (cursor !== '0');
  return lengths;
}

/** Calls `each` with every batch of keys of this volume that SCAN finds for `pattern`. */
export async function scanVolumeKeys(
  conn: RedisLike,
  options: { keys: KeyLayout; pattern: string },
  each: (keys: string[]) => Promise<void>,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = asArray(await conn.sendCommand(['SCAN', cursor, 'MATCH', options.pattern, 'COUNT', SCAN_COUNT]));
    cursor = asBuffer(next)!.toString();
    const keys = asArray(found).map((k) => asBuffer(k)!.toString()).filter((k) => options.keys.owns(k));
    if (keys.length) await each(keys);
  } while (cursor !== '0');
}

/** Deletes every key of this volume (format --force); keys of other prefixes stay. */
export async function deleteVolumeKeys(conn: RedisLike, keys: KeyLayout): Promise<number> {
  let deleted = 0;
  await scanVolumeKeys(conn, { keys, pattern: keys.scanPattern }, async (batch) => {
    deleted += asNumber(await conn.sendCommand(['UNLINK', ...batch]));
  });
  return deleted;
}

/** Bytes the volume's keys take in the server (MEMORY USAGE of each key, pipelined per batch). */
export async function volumeMemory(conn: RedisLike, keys: KeyLayout): Promise<{ bytes: number; keys: number }> {
  let bytes = 0;
  let count = 0;
  await scanVolumeKeys(conn, { keys, pattern: keys.scanPattern }, async (batch) => {
    const sizes = await Promise.all(batch.map((k) => conn.sendCommand(['MEMORY', 'USAGE', k])));
    for (const s of sizes) bytes += asNumber(s);
    count += batch.length;
  });
  return { bytes, keys: count };
}

/** Inodes counted and file lengths summed over the inode keys; slices from their hashes. */
export async function volumeTotals(conn: RedisLike, keys: KeyLayout): Promise<VolumeTotals> {
  let inodes = 0;
  let fileBytes = 0;
  await scanVolumeKeys(conn, { keys, pattern: keys.tagPattern('i') }, async (batch) => {
    const inodeKeys = batch.filter((k) => keys.inodeOf(k, 'i') !== undefined);
    if (!inodeKeys.length) return;
    const values = asArray(await conn.sendCommand(['MGET', ...inodeKeys]));
    values.forEach((v, i) => {
      const b = asBuffer(v);
      if (!b) return;
      const attr: Attr = unpackAttr(keys.inodeOf(inodeKeys[i]!, 'i')!, b);
      inodes++;
      if (attr.type === 'file') fileBytes += attr.length;
    });
  });
  let sliceBytes = 0;
  let cursor = '0';
  do {
    const [next, flat] = asArray(await conn.sendCommand(['HSCAN', keys.sliceSizes, cursor, 'COUNT', SCAN_COUNT]));
    cursor = asBuffer(next)!.toString();
    const fields = asArray(flat);
    for (let i = 1; i < fields.length; i += 2) sliceBytes += asNumber(fields[i]);
  } while (cursor !== '0');
  let inlineBytes = 0;
  const inline = await fieldLengths(conn, keys.sliceData);
  for (const length of inline.values()) inlineBytes += length;
  const [slices, pendingSlices] = await Promise.all([
    conn.sendCommand(['HLEN', keys.sliceRefs]),
    conn.sendCommand(['ZCARD', keys.delSlices]),
  ]);
  return { inodes, fileBytes, slices: asNumber(slices), sliceBytes, pendingSlices: asNumber(pendingSlices), inlineSlices: inline.size, inlineBytes };
}
