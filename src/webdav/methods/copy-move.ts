import type { Attr } from '../../meta/types.js';
import { DavError } from '../dav-error.js';
import { xattrNameOf } from '../dead-props.js';
import type { DavRequest } from '../dav-request.js';
import { isWithinPath } from '../dav-path.js';
import { deadPropNames } from '../dead-props.js';
import { ownType, removeResource } from '../remove-resource.js';
import { send } from '../response.js';

/** Source, destination and the checks COPY and MOVE share (RFC 4918 §9.8, §9.9). */
async function prepare(r: DavRequest, move: boolean) {
  const dest = r.destination();
  const src = await r.mustStat();
  const depth = r.depth('infinity');
  if (src.type === 'dir' && (depth === '1' || (move && depth !== 'infinity'))) throw new DavError(400, `${r.req.method} of a collection with Depth ${depth}`);
  if (dest.path === r.target.path) throw new DavError(403, 'source and destination are the same resource');
  if (r.target.path === '/' || dest.path === '/') throw new DavError(403, 'the root collection cannot be copied, moved or replaced');
  if (src.type === 'dir' && isWithinPath(dest.path, r.target.path)) throw new DavError(409, 'the destination is inside the source');
  const at = await r.parentOf(dest.path);
  await r.checkIf();
  if (move) r.checkLocks(r.target.path, { tree: true, member: true });
  r.checkLocks(dest.path, { tree: true, member: true });
  const existing = await ownType(r, dest.path);
  if (existing && !r.overwrite()) throw new DavError(412, `${dest.path} exists and Overwrite is F`);
  return { dest, src, depth, at, existing };
}

/** Copies the dead properties of one inode to another (a Depth 0 collection copy). */
async function copyDeadProps(r: DavRequest, from: Attr, to: Attr): Promise<void> {
  for (const name of await deadPropNames(r.vfs, r.caller, from.ino)) {
    const value = await r.vfs.getxattr(r.caller, from.ino, xattrNameOf(name));
    await r.vfs.setxattr(r.caller, to.ino, xattrNameOf(name), value);
  }
}

/**
 * COPY: a metadata-only clone of the file or the whole collection (DESIGN §3), built in the
 * staging area and renamed into place, so the destination appears complete or not at all.
 * Depth 0 on a collection copies the collection and its dead properties without members.
 */
export async function copy(r: DavRequest): Promise<void> {
  const { dest, src, depth, at, existing } = await prepare(r, false);
  const { staging } = r.shared;
  const temp = staging.newName();
  try {
    if (src.type === 'dir' && depth === '0') {
      const made = await r.vfs.mkdir(r.caller, staging.tmp, temp, src.mode & 0o7777);
      await copyDeadProps(r, src, made);
    } else {
      await r.vfs.meta.clone(r.caller, { src: src.ino, parent: staging.tmp, name: temp });
    }
    if (existing && (existing === 'dir' || src.type === 'dir')) await removeResource(r, dest.path);
    await r.vfs.rename(r.caller, { parent: staging.tmp, name: temp, newParent: at.parent.ino, newName: at.name });
  } catch (err) {
    await staging.discard(r.vfs, temp);
    throw err;
  }
  r.shared.locks.dropTree(dest.path); // a replaced resource's locks do not pass to the copy
  send(r.res, existing ? 204 : 201);
}

/** MOVE: a rename (one metadata transaction); an existing destination is replaced when Overwrite allows. */
export async function move(r: DavRequest): Promise<void> {
  const { dest, at, existing, src } = await prepare(r, true);
  const from = await r.parentOf(r.target.path);
  if (existing && (existing === 'dir' || src.type === 'dir')) await removeResource(r, dest.path);
  await r.vfs.rename(r.caller, { parent: from.parent.ino, name: from.name, newParent: at.parent.ino, newName: at.name });
  r.shared.locks.dropTree(r.target.path);
  r.shared.locks.dropTree(dest.path);
  send(r.res, existing ? 204 : 201);
}
