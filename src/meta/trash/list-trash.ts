import type { Caller } from '../types.js';
import type { Engine, EngineTx } from '../engine.js';
import { toMillis } from '../times.js';
import { type FileType, type Ino, ROOT_INO, TRASH_INO, TRASH_NAME } from '../types.js';

const PAGE = 1000;

/** A file waiting in the trash, with where it was when it was deleted. */
export interface TrashEntry {
  /** Where it is now: `/.trash/<hour>/<parent>-<ino>-<name>`. */
  trashPath: string;
  /** The hour directory's name and the entry's name in it (together they name the entry). */
  hour: string;
  name: string;
  ino: Ino;
  type: FileType;
  uid: number;
  gid: number;
  size: number;
  /** When it was moved to the trash (ms since the epoch; its ctime). */
  deletedAt: number;
  /** The directory it was deleted from, and its name there. */
  originalParent: Ino;
  originalName: string;
  /** Its path before deletion; undefined when that directory has since been removed. */
  originalPath: string | undefined;
}

/** `<parent>-<ino>-<name>` (as moveToTrash names entries) split up; undefined for any other name. */
export function parseTrashName(name: Buffer): { parent: Ino; name: Buffer } | undefined {
  const first = name.indexOf(0x2d);
  const second = first < 0 ? -1 : name.indexOf(0x2d, first + 1);
  if (second < 0 || second === name.length - 1) return undefined;
  const parent = Number(name.subarray(0, first).toString());
  if (!Number.isSafeInteger(parent) || parent <= 0 || !/^\d+$/.test(name.subarray(first + 1, second).toString())) return undefined;
  return { parent: parent as Ino, name: name.subarray(second + 1) };
}

async function* edgesOf(tx: EngineTx, dir: Ino) {
  for (let after: Buffer | undefined; ; ) {
    const page = await tx.listEdges(dir, after, PAGE);
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.name;
  }
}

/**
 * The path of a directory in the live tree, walking up parent pointers (each name found by
 * scanning its parent); undefined when it is gone, detached, or in the trash. `cache` spans calls.
 */
export async function dirPath(tx: EngineTx, ino: Ino, cache = new Map<Ino, string | undefined>()): Promise<string | undefined> {
  if (ino === ROOT_INO) return '/';
  if (cache.has(ino)) return cache.get(ino);
  let path: string | undefined;
  const attr = await tx.getInode(ino);
  if (attr?.type === 'dir' && attr.parent && ino !== TRASH_INO) {
    const above = await dirPath(tx, attr.parent, cache);
    if (above !== undefined && attr.parent !== TRASH_INO) {
      for await (const edge of edgesOf(tx, attr.parent)) {
        if (edge.ino !== ino) continue;
        path = `${above === '/' ? '' : above}/${edge.name.toString()}`;
        break;
      }
    }
  }
  cache.set(ino, path);
  return path;
}

/** Joins a directory path and a name. */
export const joinPath = (dir: string, name: string) => `${dir === '/' ? '' : dir}/${name}`;

/**
 * The trash's entries the caller may see, oldest first: root sees all, anyone else only the
 * files they own. Read in one read transaction.
 */
export async function listTrash(engine: Engine, caller: Caller): Promise<TrashEntry[]> {
  return engine.read(async (tx) => {
    const entries: TrashEntry[] = [];
    const paths = new Map<Ino, string | undefined>();
    for await (const hour of edgesOf(tx, TRASH_INO)) {
      for await (const edge of edgesOf(tx, hour.ino)) {
        const attr = await tx.getInode(edge.ino);
        const parsed = parseTrashName(edge.name);
        if (!attr || !parsed || (caller.uid !== 0 && attr.uid !== caller.uid)) continue;
        const dir = await dirPath(tx, parsed.parent, paths);
        entries.push({
          trashPath: `/${TRASH_NAME}/${hour.name.toString()}/${edge.name.toString()}`,
          hour: hour.name.toString(),
          name: edge.name.toString(),
          ino: attr.ino,
          type: attr.type,
          uid: attr.uid,
          gid: attr.gid,
          size: attr.length,
          deletedAt: Math.round(toMillis(attr.ctime)),
          originalParent: parsed.parent,
          originalName: parsed.name.toString(),
          originalPath: dir === undefined ? undefined : joinPath(dir, parsed.name.toString()),
        });
      }
    }
    return entries;
  });
}
