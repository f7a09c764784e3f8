import { isFsError } from '../errors/index.js';
import type { Attr, Ino } from '../meta/types.js';
import type { GatewayContext } from './s3-request.js';
import { toS3Error } from './s3-error.js';

/** What a listing asks for; `after` is exclusive (a marker, start-after or continuation token). */
export interface ListSpec {
  bucket: string;
  bucketIno: Ino;
  prefix: string;
  delimiter: string;
  after: string;
  maxKeys: number;
}

/** One page of keys and common prefixes, in S3 order (UTF-8 bytes). */
export interface ListPage {
  objects: Array<{ key: string; attr: Attr }>;
  prefixes: string[];
  truncated: boolean;
  /** The last key or prefix of the page (what a continuation starts after). */
  last?: string;
}

const compare = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const validComponent = (c: string) => c !== '' && c !== '.' && c !== '..' && !c.includes('\0');

/** Every entry of a directory, in S3 key order (a directory sorts as its name followed by '/'). */
async function sortedEntries(gw: GatewayContext, ino: Ino, dirKey: string): Promise<Array<{ key: string; attr: Attr }>> {
  const all: Array<{ key: string; attr: Attr }> = [];
  let after: Buffer | undefined;
  do {
    const page = await gw.vfs.readdir(gw.caller, ino, { after, plus: true });
    for (const e of page.entries) {
      if (!e.attr || (e.type !== 'file' && e.type !== 'dir')) continue;
      all.push({ key: `${dirKey}${e.name.toString()}${e.type === 'dir' ? '/' : ''}`, attr: e.attr });
    }
    after = page.next;
  } while (after);
  return all.sort((a, b) => compare(a.key, b.key));
}

type Item = { key: string; attr: Attr } | { prefix: string };

/** Walks a directory's tree in key order, yielding objects and (with a delimiter) common prefixes, pruning subtrees outside the prefix or before `after`. */
async function* walk(gw: GatewayContext, spec: ListSpec, dir: { ino: Ino; key: string }): AsyncGenerator<Item> {
  const { prefix, delimiter, after } = spec;
  for (const entry of await sortedEntries(gw, dir.ino, dir.key)) {
    const isDir = entry.key.endsWith('/');
    if (!entry.key.startsWith(prefix) && !(isDir && prefix.startsWith(entry.key))) continue;
    if (delimiter && entry.key.startsWith(prefix)) {
      // A delimiter after the prefix groups the key (for a directory: every key below it) into one common prefix.
      const cut = entry.key.indexOf(delimiter, prefix.length);
      if (cut >= 0) {
        const common = entry.key.slice(0, cut + delimiter.length);
        if (compare(common, after) > 0) yield { prefix: common };
        continue;
      }
    }
    if (isDir) {
      // Nothing below sorts after `after` when `after` is past this directory's keys.
      if (compare(after, entry.key) >= 0 && !after.startsWith(entry.key)) continue;
      yield* walk(gw, spec, { ino: entry.attr.ino, key: entry.key });
    } else if (compare(entry.key, after) > 0) {
      yield entry;
    }
  }
}

/** One page of a bucket's listing (ListObjects v1 and v2 share it). */
export async function listPage(gw: GatewayContext, spec: ListSpec): Promise<ListPage> {
  const page: ListPage = { objects: [], prefixes: [], truncated: false };
  // Start at the deepest directory the prefix names: nothing outside it can match.
  const dirPart = spec.prefix.slice(0, spec.prefix.lastIndexOf('/') + 1);
  const components = dirPart ? dirPart.slice(0, -1).split('/') : [];
  if (!components.every(validComponent)) return page;
  let start: Attr;
  try {
    start = components.length ? await gw.meta.resolve(gw.caller, `/${spec.bucket}/${components.join('/')}`, false) : await gw.vfs.getattr(spec.bucketIno);
  } catch (err) {
    if (isFsError(err, 'ENOENT') || isFsError(err, 'ENOTDIR')) return page;
    throw toS3Error(err, { resource: spec.bucket });
  }
  if (start.type !== 'dir') return page;
  let count = 0;
  let lastPrefix: string | undefined;
  for await (const item of walk(gw, spec, { ino: start.ino, key: dirPart })) {
    if ('prefix' in item && item.prefix === lastPrefix) continue;
    if (count === spec.maxKeys) {
      page.truncated = true;
      break;
    }
    count++;
    if ('prefix' in item) {
      page.prefixes.push((lastPrefix = item.prefix));
      page.last = item.prefix;
    } else {
      page.objects.push(item);
      page.last = item.key;
    }
  }
  return page;
}
