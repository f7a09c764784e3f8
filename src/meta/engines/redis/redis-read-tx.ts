import type { EntriesRead, EntryRead } from '../../engine.js';
import type { Ino } from '../../types.js';
import { asArray, asBuffer, asNumber, unpackAttr, unpackEntry } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import type { KeyReader } from './key-reader.js';
import { RedisTx } from './redis-tx.js';
import { LIST_DIRECTORY, WALK_ENTRIES } from './scripts.js';

/**
 * What Engine.read hands out: RedisTx's reads, and `listEntries` as one script. A read watches
 * nothing and writes nothing, so the script may read the inodes the entries name (keys it
 * cannot declare in advance): it answers a READDIRPLUS page in one round trip instead of three,
 * and a path's walk in one instead of two per component (`getEntries`). A write transaction
 * watches each key it reads, so it has neither and reads step by step.
 */
export class RedisReadTx extends RedisTx {
  constructor(reader: KeyReader, keys: KeyLayout) {
    super(reader, keys);
  }

  async listEntries(parent: Ino, after: Buffer | undefined, limit: number, withAttrs: boolean): Promise<EntriesRead> {
    const k = this.keys;
    const start = after === undefined ? '-' : Buffer.concat([Buffer.from('('), after]);
    const reply = asArray(
      await this.reader.script(k.inode(parent), LIST_DIRECTORY, {
        keys: [k.inode(parent), k.entries(parent), k.names(parent)],
        args: [k.prefix, start, String(limit), withAttrs ? '1' : '0'],
      }),
    );
    const packed = asBuffer(reply[0]);
    if (!packed) return { entries: [] };
    const entries: EntriesRead['entries'] = [];
    const stride = withAttrs ? 4 : 2;
    for (let at = 1; at + stride <= reply.length; at += stride) {
      const value = asBuffer(reply[at + 1]);
      if (!value?.length) continue; // a name without its entry (fsck reports it)
      const edge = unpackEntry(Buffer.from(asBuffer(reply[at])!), value);
      const attr = withAttrs ? asBuffer(reply[at + 2]) : null;
      entries.push(attr ? { ...edge, attr: unpackAttr(edge.ino, attr), xattrs: asNumber(reply[at + 3]) > 0 } : edge);
    }
    return { dir: unpackAttr(parent, packed), entries };
  }

  async getEntries(start: Ino, names: readonly Buffer[]): Promise<EntryRead[]> {
    if (names.length === 0) return [];
    const k = this.keys;
    const reply = asArray(await this.reader.script(k.inode(start), WALK_ENTRIES, { keys: [k.inode(start)], args: [k.prefix, String(start), ...names] }));
    // No step at all: the start has no inode, which getEntry answers with nothing read.
    if (reply.length === 0) return [{}];
    const out: EntryRead[] = [];
    for (let at = 0, dir = start; at + 3 <= reply.length; at += 3) {
      const name = names[out.length]!;
      const entry = asBuffer(reply[at + 1]);
      const edge = entry?.length ? unpackEntry(Buffer.from(name), entry) : undefined;
      const child = asBuffer(reply[at + 2]);
      out.push({ dir: unpackAttr(dir, asBuffer(reply[at])!), edge, attr: edge && child?.length ? unpackAttr(edge.ino, child) : undefined });
      if (edge) dir = edge.ino;
    }
    return out;
  }
}
