import { isFsError } from '../../errors/index.js';
import { ROOT_INO } from '../../meta/types.js';
import { checkBucketName, isBucketName } from '../object-keys.js';
import { resolveBucket } from '../object-files.js';
import { readSmallBody } from '../request-body.js';
import { s3Error, toS3Error } from '../s3-error.js';
import { type GatewayContext, isoTime, type S3Request, sendEmpty, sendXml } from '../s3-request.js';
import { type XmlNode, xmlDocument } from '../xml.js';

const OWNER: XmlNode = ['Owner', [['ID', 'slicefs'], ['DisplayName', 'slicefs']]];

/** ListBuckets: the root's directories whose names are valid bucket names. */
export async function listBuckets(gw: GatewayContext, r: S3Request): Promise<void> {
  const buckets: XmlNode[] = [];
  let after: Buffer | undefined;
  do {
    const page = await gw.vfs.readdir(gw.caller, ROOT_INO, { after, plus: true });
    for (const e of page.entries) {
      const name = e.name.toString();
      if (e.type === 'dir' && isBucketName(name) && e.attr) buckets.push(['Bucket', [['Name', name], ['CreationDate', isoTime(e.attr.ctime)]]]);
    }
    after = page.next;
  } while (after);
  sendXml(r, xmlDocument('ListAllMyBucketsResult', [OWNER, ['Buckets', buckets]]));
}

/** CreateBucket: a directory at the root (its location constraint, if any, is accepted and ignored). */
export async function createBucket(gw: GatewayContext, r: S3Request): Promise<void> {
  const bucket = r.bucket!;
  checkBucketName(bucket);
  await readSmallBody(r.req, { auth: r.auth, limit: 64 * 1024 });
  await gw.vfs.mkdir(gw.caller, ROOT_INO, Buffer.from(bucket), 0o777).catch((err: unknown) => {
    throw isFsError(err, 'EEXIST') ? s3Error('BucketAlreadyOwnedByYou', { resource: bucket }) : toS3Error(err, { resource: bucket });
  });
  sendEmpty(r, 200, { location: `/${bucket}` });
}

/** DeleteBucket: removes the directory; BucketNotEmpty unless it is empty. */
export async function deleteBucket(gw: GatewayContext, r: S3Request): Promise<void> {
  await resolveBucket(gw, r.bucket!);
  await gw.vfs.rmdir(gw.caller, ROOT_INO, Buffer.from(r.bucket!)).catch((err: unknown) => {
    throw toS3Error(err, { missing: 'NoSuchBucket', resource: r.bucket });
  });
  sendEmpty(r, 204);
}

/** HeadBucket: 200 if the bucket exists and the gateway's identity may list it. */
export async function headBucket(gw: GatewayContext, r: S3Request): Promise<void> {
  const attr = await resolveBucket(gw, r.bucket!);
  await gw.vfs.access(gw.caller, attr.ino, 4).catch((err: unknown) => {
    throw toS3Error(err, { resource: r.bucket });
  });
  sendEmpty(r, 200, { 'x-amz-bucket-region': gw.region });
}

/** GetBucketLocation: the gateway's region. */
export async function getBucketLocation(gw: GatewayContext, r: S3Request): Promise<void> {
  await resolveBucket(gw, r.bucket!);
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${gw.region === 'us-east-1' ? '' : gw.region}</LocationConstraint>`;
  sendXml(r, body);
}
