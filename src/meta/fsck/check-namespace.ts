import type { VolumeView } from '../engine.js';
import { type Ino, ROOT_INO } from '../types.js';
import { IdBits, IdCounts } from './id-table.js';
import type { Report } from './problems.js';
import { adjustLinks, removeDanglingEdge, removeOrphanInode } from './repairs.js';

/** Rows per page of every scan. */
export const PAGE = 10_000;

/** What the namespace pass leaves for the other checks. */
export interface NamespaceSummary {
  /** The inodes the first pass saw. */
  inodes: IdBits;
  /** Inodes counted in the second pass, their file bytes, and entries seen. */
  counted: { inodes: number; usedBytes: number; entries: number };
}

type Progress = ((phase: string, n: number) => void) | undefined;

/** First pass over the inodes: which exist and which are directories. */
async function listInodes(view: VolumeView, onProgress: Progress): Promise<{ exists: IdBits; dirs: IdBits }> {
  const exists = new IdBits();
  const dirs = new IdBits();
  let n = 0;
  for (let after = 0, page; (page = await view.scanInodes(after, PAGE)).length; after = page[page.length - 1]!.ino) {
    for (const a of page) {
      exists.add(a.ino);
      if (a.type === 'dir') dirs.add(a.ino);
    }
    onProgress?.('inodes', (n += page.length));
  }
  return { exists, dirs };
}

/** The inodes every path starts from: the root, detached clone roots, inodes sessions hold open. */
async function markRoots(view: VolumeView, reached: IdBits): Promise<void> {
  reached.add(ROOT_INO);
  for (const d of await view.listDetached()) reached.add(d.ino);
  for (const s of await view.listSessions()) for (const ino of await view.listSustained(s.id)) reached.add(ino);
}

/**
 * Checks entries, reachability and link counts in bounded memory: two passes over the inodes and
 * one over the entries, with a few bits and a 4-byte count per inode number (id-table.ts).
 * Entries are scanned by directory number and a child is usually numbered after its directory,
 * so one pass reaches nearly everything; a directory reached only after its entries went by (moved
 * under a later-numbered one) is listed again, with everything below it.
 */
export async function checkNamespace(view: VolumeView, options: { report: Report; onProgress: Progress }): Promise<NamespaceSummary> {
  const { report, onProgress } = options;
  const { exists, dirs } = await listInodes(view, onProgress);
  const reached = new IdBits();
  await markRoots(view, reached);
  // Per inode: incoming entries of a non-directory, subdirectories of a directory.
  const links = new IdCounts();
  const late: Ino[] = [];
  let entries = 0;
  for (let after: { parent: Ino; name: Buffer } | undefined, page; (page = await view.scanEdges(after, PAGE)).length; ) {
    for (const { parent, edge } of page) {
      if (!exists.has(edge.ino) || !exists.has(parent)) {
        const missing = exists.has(parent) ? edge.ino : parent;
        report({
          kind: 'edge-dangling',
          detail: `entry '${edge.name.toString()}' in ${parent} points at ${edge.ino}; inode ${missing} is missing`,
          repair: removeDanglingEdge({ parent, name: edge.name, ino: edge.ino }),
        });
        continue;
      }
      links.add(dirs.has(edge.ino) ? parent : edge.ino);
      if (reached.has(parent) && reached.add(edge.ino) && dirs.has(edge.ino) && edge.ino < parent) late.push(edge.ino);
    }
    const last = page[page.length - 1]!;
    after = { parent: last.parent, name: last.edge.name };
    onProgress?.('entries', (entries += page.length));
  }
  while (late.length) {
    const dir = late.pop()!;
    for (let after: Buffer | undefined, page; (page = await view.listEdges(dir, after, PAGE)).length; after = page[page.length - 1]!.name) {
      for (const edge of page) if (exists.has(edge.ino) && reached.add(edge.ino) && dirs.has(edge.ino)) late.push(edge.ino);
    }
  }

  const counted = { inodes: 0, usedBytes: 0, entries };
  for (let after = 0, page; (page = await view.scanInodes(after, PAGE)).length; after = page[page.length - 1]!.ino) {
    for (const attr of page) {
      if (!exists.has(attr.ino)) continue; // created since the first pass (a moving volume)
      counted.inodes++;
      if (attr.type === 'file') counted.usedBytes += attr.length;
      if (!reached.has(attr.ino)) {
        report({ kind: 'inode-orphan', detail: `inode ${attr.ino} (${attr.type}) is reachable from nowhere`, repair: removeOrphanInode(attr.ino) });
        continue;
      }
      const expected = attr.type === 'dir' ? 2 + links.get(attr.ino) : links.get(attr.ino);
      if (attr.nlink === expected) continue;
      report({ kind: 'nlink', detail: `inode ${attr.ino} has nlink ${attr.nlink}, expected ${expected}`, repair: adjustLinks(attr.ino, expected - attr.nlink), early: expected > attr.nlink });
    }
  }
  return { inodes: exists, counted };
}
