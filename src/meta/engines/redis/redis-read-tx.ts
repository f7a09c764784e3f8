import type { EntriesRead } from '../../engine.js';
import type { Ino } from '../../types.js';
import { asArray, asBuffer, asNumber, unpackAttr, unpackEntry } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import type { KeyReader } from './key-reader.js';
import { RedisTx } from './redis-tx.js';
import { LIST_DIRECTORY } from './scripts.js';

/**
 * What Engine.read hands out: RedisTx's reads, and `listEntries` as one script. A read watches
 * nothing and writes nothing, so the script may read the inodes the entries name (keys it
 * cannot declare in advance) and answers a READDIRPLUS page in one round trip instead of three.
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
}
