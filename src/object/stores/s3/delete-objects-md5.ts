import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';

interface BuildArgs {
  request?: { headers?: Record<string, string>; body?: unknown };
}

/**
 * Sends DeleteObjects with Content-MD5 instead of the SDK's CRC32 headers. S3 documents the
 * header as required and older MinIO, Ceph and other S3-compatible stores refuse the request
 * without it (aws-sdk-js-v3 supplemental-docs/MD5_FALLBACK.md).
 */
export function addDeleteObjectsMd5(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = (args as BuildArgs).request;
      const isDelete = context.commandName === 'DeleteObjectsCommand' || context.commandName === 'DeleteObjects';
      if (isDelete && request?.headers && (typeof request.body === 'string' || request.body instanceof Uint8Array)) {
        for (const h of Object.keys(request.headers)) {
          if (/^x-amz-(sdk-)?checksum-/i.test(h)) delete request.headers[h];
        }
        request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'slicefsDeleteObjectsMd5', priority: 'low' },
  );
}
