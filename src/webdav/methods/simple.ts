import { FsError } from '../../errors/index.js';
import { DavError } from '../dav-error.js';
import type { DavRequest } from '../dav-request.js';
import { ownType, removeResource } from '../remove-resource.js';
import { send } from '../response.js';

/** The methods this server answers, for Allow and OPTIONS. */
export const ALLOWED = 'OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK';

/** OPTIONS: class 1 and 2 compliance (locking) and the methods. */
export async function options(r: DavRequest): Promise<void> {
  send(r.res, 200, { headers: { DAV: '1, 2', Allow: ALLOWED, 'MS-Author-Via': 'DAV' } });
}

/** MKCOL (RFC 4918 §9.3): creates one collection; a body is 415, an existing resource 405, a missing parent 409. */
export async function mkcol(r: DavRequest): Promise<void> {
  if (r.hasBody()) {
    await r.body().catch(() => undefined);
    throw new DavError(415, 'MKCOL with a body is not supported');
  }
  if (r.target.path === '/' || (await r.stat(r.target.path))) throw new DavError(405, `${r.target.path} already exists`);
  const { parent, name } = await r.parentOf(r.target.path);
  await r.checkWrite(r.target.path, { member: true });
  await r.vfs.mkdir(r.caller, parent.ino, name, 0o777);
  send(r.res, 201);
}

/** DELETE (RFC 4918 §9.6): a file, or a collection and all its members (Depth infinity only). */
export async function remove(r: DavRequest): Promise<void> {
  if (r.target.path === '/') throw new DavError(403, 'the root collection cannot be deleted');
  const attr = await r.stat(r.target.path);
  if (!attr && !(await ownType(r, r.target.path))) throw new FsError('ENOENT', { path: r.target.path }); // a dangling symlink is still there
  if (attr?.type === 'dir' && r.depth('infinity') !== 'infinity') throw new DavError(400, 'DELETE of a collection needs Depth: infinity');
  await r.checkWrite(r.target.path, { tree: true, member: true });
  await removeResource(r, r.target.path);
  send(r.res, 204);
}
