import type { VolumeTotals } from '../../engine.js';
import type { Attr } from '../../types.js';
import { asArray, asBuffer, asNumber, unpackAttr } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import type { RedisLike } from './redis-like.js';

const SCAN_COUNT = '1000';

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
  const [slices, pendingSlices] = await Promise.all([
    conn.sendCommand(['HLEN', keys.sliceRefs]),
    conn.sendCommand(['ZCARD', keys.delSlices]),
  ]);
  return { inodes, fileBytes, slices: asNumber(slices), sliceBytes, pendingSlices: asNumber(pendingSlices) };
}
