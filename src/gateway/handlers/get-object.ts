import { once } from 'node:events';
import { O_RDONLY } from '../../vfs/open-flags.js';
import { checkConditions, parseRange } from '../conditions.js';
import { DEFAULT_CONTENT_TYPE, readObjectMetadata } from '../object-metadata.js';
import { resolveObject } from '../object-files.js';
import { s3Error } from '../s3-error.js';
import { type GatewayContext, httpTime, type S3Request } from '../s3-request.js';

const READ_PIECE = 1024 * 1024;
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/** Response headers a GET may override with response-* query parameters. */
const OVERRIDES = ['content-type', 'content-language', 'expires', 'cache-control', 'content-disposition', 'content-encoding'];

/** GetObject and HeadObject: conditional headers, one byte range, metadata from xattrs; the body streamed from the vfs. */
export async function getObject(gw: GatewayContext, r: S3Request): Promise<void> {
  if (r.query.has('partNumber')) throw s3Error('NotImplemented', { message: 'GetObject by partNumber is not supported' });
  const attr = await resolveObject(gw, { bucket: r.bucket!, key: r.key! });
  const directory = attr.type === 'dir';
  const meta = directory ? { etag: EMPTY_MD5, contentType: 'application/x-directory', user: {} } : await readObjectMetadata(gw.vfs, gw.caller, attr);
  checkConditions(r.req.headers, { attr, etag: meta.etag });
  const size = directory ? 0 : attr.length;
  const range = parseRange(typeof r.req.headers.range === 'string' ? r.req.headers.range : undefined, size);
  const headers: Record<string, string | number> = {
    etag: `"${meta.etag}"`,
    'last-modified': httpTime(attr.mtime),
    'accept-ranges': 'bytes',
    'content-type': meta.contentType ?? DEFAULT_CONTENT_TYPE,
    'content-length': range ? range.end - range.start + 1 : size,
  };
  for (const [name, value] of Object.entries(meta.user)) headers[`x-amz-meta-${name}`] = value;
  for (const name of OVERRIDES) {
    const value = r.query.get(`response-${name}`);
    if (value !== undefined) headers[name] = value;
  }
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
  const status = range ? 206 : 200;
  if (r.method === 'HEAD' || size === 0) {
    r.res.writeHead(status, headers);
    r.res.end();
    return;
  }
  // Open before answering: a permission failure is still an S3 error.
  const { handle } = await gw.vfs.open(gw.caller, attr.ino, O_RDONLY);
  try {
    r.res.writeHead(status, headers);
    const end = range ? range.end + 1 : size;
    let at = range?.start ?? 0;
    while (at < end && !r.res.destroyed) {
      const data = await gw.vfs.read(handle.fh, at, Math.min(READ_PIECE, end - at));
      if (data.length === 0) break; // truncated meanwhile: the client sees a short body
      at += data.length;
      // The last piece ends the response at once: waiting for it to drain would only wait for the client.
      if (at >= end) r.res.end(data);
      else if (!r.res.write(data)) await Promise.race([once(r.res, 'drain'), once(r.res, 'close')]);
    }
    // A file cut shorter meanwhile: the client must see a short body, not a complete one.
    if (at < end) r.res.destroy();
  } finally {
    await gw.vfs.release(handle.fh);
  }
}
