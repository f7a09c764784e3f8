import { createHash } from 'node:crypto';
import { removeObject, resolveBucket } from '../object-files.js';
import { readSmallBody } from '../request-body.js';
import { s3Error, toS3Error } from '../s3-error.js';
import { type GatewayContext, type S3Request, sendEmpty, sendXml } from '../s3-request.js';
import { childrenNamed, childText, parseXml, type XmlNode, xmlDocument } from '../xml.js';

const MAX_KEYS = 1000;

/** DeleteObject: 204 whether or not the key existed. */
export async function deleteObject(gw: GatewayContext, r: S3Request): Promise<void> {
  await removeObject(gw, { bucket: r.bucket!, key: r.key! });
  sendEmpty(r, 204);
}

/** DeleteObjects: up to 1000 keys from an XML body; each key's own result (Quiet: errors only). */
export async function deleteObjects(gw: GatewayContext, r: S3Request): Promise<void> {
  await resolveBucket(gw, r.bucket!);
  const body = await readSmallBody(r.req, { auth: r.auth, limit: 2 * 1024 * 1024 });
  const md5 = r.req.headers['content-md5'];
  if (typeof md5 === 'string' && createHash('md5').update(body).digest('base64') !== md5) throw s3Error('BadDigest');
  const doc = parseXml(body.toString('utf8'));
  if (doc.name !== 'Delete') throw s3Error('MalformedXML', { message: 'the root element must be <Delete>' });
  const objects = childrenNamed(doc, 'Object');
  if (objects.length === 0 || objects.length > MAX_KEYS) throw s3Error('MalformedXML', { message: `a Delete request names 1 to ${MAX_KEYS} objects` });
  const keys = objects.map((o) => {
    const key = childText(o, 'Key');
    if (key === undefined) throw s3Error('MalformedXML', { message: 'an <Object> without <Key>' });
    return key;
  });
  const quiet = childText(doc, 'Quiet') === 'true';
  const results: XmlNode[] = [];
  for (const key of keys) {
    try {
      await removeObject(gw, { bucket: r.bucket!, key });
      if (!quiet) results.push(['Deleted', [['Key', key]]]);
    } catch (err) {
      const e = toS3Error(err);
      results.push(['Error', [['Key', key], ['Code', e.code], ['Message', e.message]]]);
    }
  }
  sendXml(r, xmlDocument('DeleteResult', results));
}
