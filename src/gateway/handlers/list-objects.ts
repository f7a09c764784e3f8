import { listPage, type ListPage } from '../listing.js';
import { readObjectMetadata } from '../object-metadata.js';
import { resolveBucket } from '../object-files.js';
import { s3Error } from '../s3-error.js';
import { type GatewayContext, isoTime, type S3Request, sendXml } from '../s3-request.js';
import { uriEncode } from '../sigv4.js';
import { type XmlNode, xmlDocument } from '../xml.js';

const MAX_KEYS = 1000;

function maxKeys(r: S3Request): number {
  const text = r.query.get('max-keys');
  if (text === undefined) return MAX_KEYS;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw s3Error('InvalidArgument', { message: 'max-keys must be a whole number' });
  return Math.min(n, MAX_KEYS);
}

function encoder(r: S3Request): (text: string) => string {
  const type = r.query.get('encoding-type');
  if (type === undefined) return (t) => t;
  if (type !== 'url') throw s3Error('InvalidArgument', { message: "encoding-type must be 'url'" });
  return (t) => uriEncode(t).replace(/%2F/g, '/');
}

async function contents(gw: GatewayContext, page: ListPage, spec: { encode: (t: string) => string; owner: boolean }): Promise<XmlNode[]> {
  const out: XmlNode[] = [];
  for (const o of page.objects) {
    const { etag } = o.attr.type === 'dir' ? { etag: 'd41d8cd98f00b204e9800998ecf8427e' } : await readObjectMetadata(gw.vfs, gw.caller, o.attr);
    out.push(['Contents', [
      ['Key', spec.encode(o.key)],
      ['LastModified', isoTime(o.attr.mtime)],
      ['ETag', `"${etag}"`],
      ['Size', o.attr.type === 'dir' ? 0 : o.attr.length],
      spec.owner ? ['Owner', [['ID', String(o.attr.uid)], ['DisplayName', String(o.attr.uid)]]] : undefined,
      ['StorageClass', 'STANDARD'],
    ]]);
  }
  return out;
}

const commonPrefixes = (page: ListPage, encode: (t: string) => string): XmlNode[] => page.prefixes.map((p) => ['CommonPrefixes', [['Prefix', encode(p)]]]);

/** ListObjects (v1): marker and NextMarker. */
export async function listObjectsV1(gw: GatewayContext, r: S3Request): Promise<void> {
  const bucket = await resolveBucket(gw, r.bucket!);
  const encode = encoder(r);
  const prefix = r.query.get('prefix') ?? '';
  const delimiter = r.query.get('delimiter') ?? '';
  const marker = r.query.get('marker') ?? '';
  const max = maxKeys(r);
  const page = await listPage(gw, { bucket: r.bucket!, bucketIno: bucket.ino, prefix, delimiter, after: marker, maxKeys: max });
  sendXml(r, xmlDocument('ListBucketResult', [
    ['Name', r.bucket!],
    ['Prefix', encode(prefix)],
    ['Marker', encode(marker)],
    page.truncated && delimiter ? ['NextMarker', encode(page.last!)] : undefined,
    ['MaxKeys', max],
    delimiter ? ['Delimiter', encode(delimiter)] : undefined,
    ['IsTruncated', page.truncated],
    r.query.has('encoding-type') ? ['EncodingType', 'url'] : undefined,
    ...(await contents(gw, page, { encode, owner: true })),
    ...commonPrefixes(page, encode),
  ]));
}

/** ListObjectsV2: start-after, continuation tokens (the last key or prefix returned, base64). */
export async function listObjectsV2(gw: GatewayContext, r: S3Request): Promise<void> {
  const bucket = await resolveBucket(gw, r.bucket!);
  const encode = encoder(r);
  const prefix = r.query.get('prefix') ?? '';
  const delimiter = r.query.get('delimiter') ?? '';
  const startAfter = r.query.get('start-after') ?? '';
  const token = r.query.get('continuation-token');
  let after = startAfter;
  if (token !== undefined) {
    after = Buffer.from(token, 'base64').toString('utf8');
    if (!token || Buffer.from(after).toString('base64') !== token) throw s3Error('InvalidArgument', { message: 'The continuation token provided is incorrect' });
    if (Buffer.compare(Buffer.from(startAfter), Buffer.from(after)) > 0) after = startAfter;
  }
  const max = maxKeys(r);
  const page = await listPage(gw, { bucket: r.bucket!, bucketIno: bucket.ino, prefix, delimiter, after, maxKeys: max });
  sendXml(r, xmlDocument('ListBucketResult', [
    ['Name', r.bucket!],
    ['Prefix', encode(prefix)],
    startAfter ? ['StartAfter', encode(startAfter)] : undefined,
    token !== undefined ? ['ContinuationToken', token] : undefined,
    page.truncated ? ['NextContinuationToken', Buffer.from(page.last!).toString('base64')] : undefined,
    ['KeyCount', page.objects.length + page.prefixes.length],
    ['MaxKeys', max],
    delimiter ? ['Delimiter', encode(delimiter)] : undefined,
    ['IsTruncated', page.truncated],
    r.query.has('encoding-type') ? ['EncodingType', 'url'] : undefined,
    ...(await contents(gw, page, { encode, owner: r.query.get('fetch-owner') === 'true' })),
    ...commonPrefixes(page, encode),
  ]));
}
