import type { Ino } from '../../types.js';
import { asArray, asBuffer, pairs, unpackAttr, unpackEntry } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import type { KeyReader } from './key-reader.js';

/** Directories whose entries one round trip lists (HGETALL each, pipelined). */
const LIST_WINDOW = 1000;
/** Inodes per MGET, and MGETs pipelined in one round trip. */
const MGET_KEYS = 1000;
const MGETS_AT_ONCE = 32;

/**
 * Totals of the entries below a directory, level by level: one pipelined round trip lists up to
 * 1,000 directories, one more reads up to 32,000 of their entries' inodes (MGET), so a tree of
 * N entries costs about N / 1,000 + N / 32,000 round trips instead of 2 per entry. Reads
 * committed state without WATCHing (a read transaction); counts as the walk does: by the
 * inode's type, a missing inode nowhere and not descended, a hard-linked file once per name.
 */
export async function summarizeSubtreeRedis(reader: KeyReader, keys: KeyLayout, ino: Ino): Promise<{ size: number; files: number; dirs: number }> {
  const total = { size: 0, files: 0, dirs: 0 };
  let frontier: Ino[] = [ino];
  while (frontier.length) {
    const next: Ino[] = [];
    for (let at = 0; at < frontier.length; at += LIST_WINDOW) {
      const dirs = frontier.slice(at, at + LIST_WINDOW);
      const listed = await reader.readMany([], dirs.map((d) => ['HGETALL', keys.entries(d)]));
      const children: Ino[] = [];
      for (const reply of listed) for (const [name, value] of pairs(reply)) children.push(unpackEntry(name, value).ino);
      for (let c = 0; c < children.length; c += MGET_KEYS * MGETS_AT_ONCE) {
        const part = children.slice(c, c + MGET_KEYS * MGETS_AT_ONCE);
        const commands: string[][] = [];
        for (let k = 0; k < part.length; k += MGET_KEYS) commands.push(['MGET', ...part.slice(k, k + MGET_KEYS).map((i) => keys.inode(i))]);
        const replies = (await reader.readMany([], commands)).flatMap((r) => asArray(r));
        replies.forEach((value, i) => {
          const b = asBuffer(value);
          if (!b) return;
          const attr = unpackAttr(part[i]!, b);
          if (attr.type === 'dir') {
            total.dirs++;
            next.push(attr.ino);
            return;
          }
          total.files++;
          if (attr.type === 'file') total.size += attr.length;
        });
      }
    }
    frontier = next;
  }
  return total;
}
