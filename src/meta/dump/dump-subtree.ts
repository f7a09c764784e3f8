import { FsError } from '../../errors/index.js';
import type { VolumeView } from '../engine.js';
import { type Attr, type Ino, ROOT_INO } from '../types.js';
import { ChunkLines, dumpInodeContents, dumpSlices, PAGE } from './dump-contents.js';
import { encodeBytes, inodeRecord } from './dump-format.js';
import type { DumpSink } from './dump-sink.js';

/** An inode read through the scans (the view has no point reads), or undefined. */
async function inodeAt(view: VolumeView, ino: Ino): Promise<Attr | undefined> {
  const [a] = await view.scanInodes(ino - 1, 1);
  return a?.ino === ino ? a : undefined;
}

/**
 * Writes the tree under directory `root` as a volume of its own: `root` becomes inode 1, every
 * other inode keeps its number. The tree is walked directory by directory (a stack of directory
 * numbers, one page of entries at a time). A file with hard links is written once, after the
 * walk, with the number of its names inside the tree as its link count; the slices written are
 * those the tree's records reference, counted by those records.
 */
export async function dumpSubtree(view: VolumeView, options: { root: Ino; path: string; sink: DumpSink }): Promise<{ danglingEntries: number }> {
  const { root, sink } = options;
  const rootAttr = await inodeAt(view, root);
  if (!rootAttr) throw new FsError('ENOENT', { syscall: 'dump', path: options.path, detail: 'removed while the dump started' });
  if (rootAttr.type !== 'dir') throw new FsError('ENOTDIR', { syscall: 'dump', path: options.path, detail: '--subdir must name a directory' });
  const as = (ino: Ino) => (ino === root ? ROOT_INO : ino);
  const chunks = new ChunkLines(sink);
  sink.add(inodeRecord({ ...rootAttr, ino: ROOT_INO, parent: ROOT_INO }));
  await dumpInodeContents(view, { ino: root, as: ROOT_INO, type: 'dir', sink, chunks });
  /** Files with several names: how many the tree holds, and the directory of one. */
  const linked = new Map<Ino, { names: number; parent: Ino }>();
  let danglingEntries = 0;
  const stack: Ino[] = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (let after: Buffer | undefined, page; (page = await view.listEdges(dir, after, PAGE)).length; after = page[page.length - 1]!.name) {
      for (const edge of page) {
        const attr = await inodeAt(view, edge.ino);
        if (!attr) {
          danglingEntries++;
          continue;
        }
        sink.add({ t: 'edge', parent: as(dir), name: encodeBytes(edge.name), ino: edge.ino, type: edge.type });
        if (attr.type !== 'dir' && attr.nlink > 1) {
          const seen = linked.get(attr.ino);
          linked.set(attr.ino, { names: (seen?.names ?? 0) + 1, parent: seen?.parent ?? as(dir) });
          continue;
        }
        if (attr.type === 'dir') stack.push(attr.ino);
        sink.add(inodeRecord({ ...attr, parent: as(dir) }));
        await dumpInodeContents(view, { ino: attr.ino, as: attr.ino, type: attr.type, sink, chunks });
      }
      await sink.flush('tree');
    }
  }
  for (const [ino, { names, parent }] of linked) {
    const attr = await inodeAt(view, ino);
    if (!attr) continue;
    sink.add(inodeRecord({ ...attr, nlink: names, parent: names === 1 ? parent : (0 as Ino) }));
    await dumpInodeContents(view, { ino, as: ino, type: attr.type, sink, chunks });
    await sink.flush('hard links');
  }
  await dumpSlices(view, { sink, refs: chunks.refs, pendingUnreferenced: false });
  return { danglingEntries };
}
