import { listUploads } from '../multipart-uploads.js';
import { resolveBucket } from '../object-files.js';
import { s3Error } from '../s3-error.js';
import { type GatewayContext, type S3Request, sendXml } from '../s3-request.js';
import { type XmlNode, xmlDocument } from '../xml.js';

const after = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) > 0;

/** ListMultipartUploads: prefix, delimiter, key-marker/upload-id-marker and max-uploads over the bucket's uploads. */
export async function listMultipartUploads(gw: GatewayContext, r: S3Request): Promise<void> {
  await resolveBucket(gw, r.bucket!);
  const prefix = r.query.get('prefix') ?? '';
  const delimiter = r.query.get('delimiter') ?? '';
  const keyMarker = r.query.get('key-marker') ?? '';
  const idMarker = r.query.get('upload-id-marker') ?? '';
  const max = Math.min(Number(r.query.get('max-uploads') ?? 1000), 1000);
  if (!Number.isInteger(max) || max < 0) throw s3Error('InvalidArgument', { message: 'max-uploads must be a whole number' });
  const uploads: XmlNode[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { key: string; id: string } | undefined;
  for (const u of await listUploads(gw)) {
    if (u.bucket !== r.bucket || !u.key.startsWith(prefix)) continue;
    if (keyMarker && !(after(u.key, keyMarker) || (u.key === keyMarker && idMarker && u.id > idMarker))) continue;
    const cut = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? u.key.slice(0, cut + delimiter.length) : undefined;
    if (common && prefixes[prefixes.length - 1] === common) continue;
    if (uploads.length + prefixes.length === max) {
      truncated = true;
      break;
    }
    if (common) prefixes.push(common);
    else {
      uploads.push(['Upload', [
        ['Key', u.key], ['UploadId', u.id],
        ['Initiator', [['ID', 'slicefs'], ['DisplayName', 'slicefs']]], ['Owner', [['ID', 'slicefs'], ['DisplayName', 'slicefs']]],
        ['StorageClass', 'STANDARD'], ['Initiated', u.initiated],
      ]]);
    }
    last = { key: common ?? u.key, id: common ? '' : u.id };
  }
  sendXml(r, xmlDocument('ListMultipartUploadsResult', [
    ['Bucket', r.bucket!], ['KeyMarker', keyMarker], ['UploadIdMarker', idMarker],
    truncated && last ? ['NextKeyMarker', last.key] : undefined,
    truncated && last ? ['NextUploadIdMarker', last.id] : undefined,
    prefix ? ['Prefix', prefix] : undefined,
    delimiter ? ['Delimiter', delimiter] : undefined,
    ['MaxUploads', max], ['IsTruncated', truncated],
    ...uploads,
    ...prefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', p]]]),
  ]));
}
