import type { IncomingMessage } from 'node:http';
import { FsError } from '../../errors/index.js';
import { writeStaged } from '../../vfs/staged-upload.js';
import { DavError } from '../dav-error.js';
import type { DavRequest } from '../dav-request.js';
import { etagOf } from '../live-props.js';
import { send } from '../response.js';

const W_OK = 2;

/** The request body, failing unless it arrived complete (a chunked upload cut short must not commit). */
async function* wholeBody(req: IncomingMessage): AsyncGenerator<Buffer> {
  for await (const piece of req as AsyncIterable<Buffer>) yield piece;
  if (!req.complete) throw new DavError(400, 'the request body ended early');
}

/**
 * PUT: the body is streamed into a new file in the staging area (vfs/staging.ts, shared with
 * the S3 gateway) and renamed over the target at the end, so an interrupted upload leaves nothing
 * visible and readers never see half a file.
 */
export async function put(r: DavRequest): Promise<void> {
  if (r.header('content-range')) throw new DavError(400, 'PUT with Content-Range is not supported (RFC 9110 §14.5)');
  const existing = await r.stat(r.target.path);
  if (r.target.path === '/' || existing?.type === 'dir') throw new DavError(405, `${r.target.path} is a collection`);
  const { parent, name } = await r.parentOf(r.target.path);
  await r.checkWrite(r.target.path, { member: !existing });
  // Replacing is a rename in the collection (its write permission), and also a write to the file: it needs both.
  if (existing) await r.vfs.access(r.caller, existing.ino, W_OK);
  const etag = existing && etagOf(existing);
  const ifMatch = r.header('if-match')?.trim();
  if (ifMatch && (!etag || (ifMatch !== '*' && !ifMatch.split(',').map((s) => s.trim()).includes(etag)))) throw new DavError(412, 'If-Match does not hold');
  const ifNoneMatch = r.header('if-none-match')?.trim();
  if (ifNoneMatch && etag && (ifNoneMatch === '*' || ifNoneMatch.split(',').map((s) => s.trim()).includes(etag))) throw new DavError(412, 'If-None-Match does not hold');
  const length = r.header('content-length');
  if (length !== undefined && !/^\d+$/.test(length.trim())) throw new DavError(400, `bad Content-Length ${length}`);
  const attr = await writeStaged(r.vfs, r.caller, r.shared.staging, {
    parent: parent.ino,
    name,
    body: wholeBody(r.req),
    expectedLength: length === undefined ? undefined : Number(length),
  }).catch((err: unknown) => {
    if (err instanceof FsError && err.code === 'EIO' && err.syscall === 'write' && /announced|body ended/.test(err.detail ?? '')) throw new DavError(400, err.detail!);
    throw err;
  });
  send(r.res, existing ? 204 : 201, { headers: { ETag: etagOf(attr) } });
}
