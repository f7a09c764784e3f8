import { listBuckets, createBucket, deleteBucket, getBucketLocation, headBucket } from './handlers/buckets.js';
import { copyObject } from './handlers/copy-object.js';
import { deleteObject, deleteObjects } from './handlers/delete-objects.js';
import { getObject } from './handlers/get-object.js';
import { listObjectsV1, listObjectsV2 } from './handlers/list-objects.js';
import { listMultipartUploads } from './handlers/list-uploads.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listParts, uploadPart } from './handlers/multipart.js';
import { putObject } from './handlers/put-object.js';
import { s3Error } from './s3-error.js';
import type { GatewayContext, S3Request } from './s3-request.js';

/** A handler of one S3 operation. */
export type Handler = (gw: GatewayContext, r: S3Request) => Promise<void>;

/** Query parameters the operations below understand; any other (acl, tagging, versioning, …) names an unsupported operation. */
const KNOWN_PARAMETERS = new Set([
  'location', 'uploads', 'uploadId', 'partNumber', 'delete', 'list-type', 'prefix', 'delimiter', 'marker', 'max-keys',
  'start-after', 'continuation-token', 'fetch-owner', 'encoding-type', 'key-marker', 'upload-id-marker', 'max-uploads',
  'max-parts', 'part-number-marker', 'x-id', 'response-content-type', 'response-content-language', 'response-expires',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding',
]);

/** The handler of a request: by method, bucket/key and sub-resource; NotImplemented for the rest, never a wrong success. */
export function route(r: S3Request): Handler {
  for (const name of r.query.keys()) {
    if (!KNOWN_PARAMETERS.has(name) && !name.toLowerCase().startsWith('x-amz-')) throw s3Error('NotImplemented', { message: `the ${name} sub-resource is not supported by this gateway` });
  }
  const q = r.query;
  const notHere = () => s3Error('NotImplemented', { message: `${r.method} is not supported on this resource` });
  if (!r.bucket) {
    if (r.method === 'GET') return listBuckets;
    throw r.method === 'HEAD' ? notHere() : s3Error('MethodNotAllowed');
  }
  if (r.key === undefined) {
    switch (r.method) {
      case 'GET':
        if (q.has('location')) return getBucketLocation;
        if (q.has('uploads')) return listMultipartUploads;
        return q.get('list-type') === '2' ? listObjectsV2 : listObjectsV1;
      case 'HEAD':
        return headBucket;
      case 'PUT':
        return createBucket;
      case 'DELETE':
        return deleteBucket;
      case 'POST':
        if (q.has('delete')) return deleteObjects;
        throw notHere();
      default:
        throw s3Error('MethodNotAllowed');
    }
  }
  switch (r.method) {
    case 'GET':
      return q.has('uploadId') ? listParts : getObject;
    case 'HEAD':
      return getObject;
    case 'PUT':
      if (q.has('uploadId')) return uploadPart;
      return r.req.headers['x-amz-copy-source'] !== undefined ? copyObject : putObject;
    case 'DELETE':
      return q.has('uploadId') ? abortMultipartUpload : deleteObject;
    case 'POST':
      if (q.has('uploads')) return createMultipartUpload;
      if (q.has('uploadId')) return completeMultipartUpload;
      throw notHere();
    default:
      throw s3Error('MethodNotAllowed');
  }
}
