import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { sliceBlockKeys } from '../../src/chunk/block-key.js';
import { inlineDataIn } from '../../src/meta/inline-data.js';
import type { Volume } from '../../src/sdk/index.js';

/** What a tree holds, path by path: type, mode, size, content hash, link target and xattrs. */
export type TreeListing = Record<string, string>;

/** A canonical listing of the tree under `root`, comparable between two trees. */
export async function describeTree(vol: Volume, root: string): Promise<TreeListing> {
  const out: TreeListing = {};
  const walk = async (rel: string) => {
    const full = rel ? `${root}/${rel}` : root;
    const st = await vol.lstat(full);
    const xattrs = (await vol.listxattr(full).catch(() => [])).join(',');
    let detail = '';
    if (st.isFile()) detail = createHash('sha256').update(await vol.readFile(full)).digest('hex').slice(0, 16);
    if (st.isSymbolicLink()) detail = `-> ${await vol.readlink(full)}`;
    out[rel || '.'] = `${st.mode.toString(8)} ${st.size} ${detail} [${xattrs}]`;
    if (st.isDirectory()) for (const name of await vol.readdir(full)) await walk(rel ? `${rel}/${name}` : name);
  };
  await walk('');
  return out;
}

/** Builds a small tree: nested directories, files of several sizes, a symlink, a fifo, xattrs, a hard link. */
export async function buildTree(vol: Volume, root: string, options: { files?: number; fileSize?: number } = {}): Promise<{ files: number; bytes: number; inodes: number }> {
  const files = options.files ?? 20;
  const size = options.fileSize ?? 3000;
  await vol.mkdir(`${root}/sub/deeper`, { recursive: true });
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const dir = i % 3 === 0 ? root : i % 3 === 1 ? `${root}/sub` : `${root}/sub/deeper`;
    const data = Buffer.alloc(size + i, i);
    await vol.writeFile(`${dir}/f${i}`, data);
    bytes += data.length;
  }
  await vol.symlink('sub/f1', `${root}/link`);
  await vol.setxattr(`${root}/f0`, 'user.tag', 'zero');
  await vol.setxattr(`${root}/sub`, 'user.dir', 'yes');
  await vol.chmod(`${root}/sub/f1`, 0o600);
  const h = await vol.open(`${root}/empty`, 'w');
  await h.close();
  bytes += 0;
  // root, sub, deeper, files, link, empty
  return { files: files + 1, bytes, inodes: 3 + files + 2 };
}

/** Number of object files in a file:// store directory. */
export function countObjects(dir: string): number {
  return listObjects(dir).length;
}

/** The paths of the objects under a `file://` store's directory (none when it is missing). */
export function listObjects(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && !e.parentPath.includes('.tmp'))
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** The keys of the blocks of every slice the engine records, sorted (slices whose bytes the engine keeps, inline data, have none). */
export async function recordedBlockKeys(vol: Volume): Promise<string[]> {
  const keys: string[] = [];
  for (let after = 0, page; (page = await vol.meta.engine.scanSlices(after, 10_000)).length; after = page[page.length - 1]!.id) {
    const inline = await inlineDataIn(vol.meta.engine, { after, last: page[page.length - 1]!.id });
    for (const s of page) if (!inline.has(s.id)) keys.push(...sliceBlockKeys(s.id, s.size, vol.settings.blockSize));
  }
  return keys.sort();
}
