import { type Errno, FsError } from '../../../errors/index.js';

interface S3ErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);
const DENIED = new Set([
  'AccessDenied', 'Forbidden', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'CredentialsProviderError', 'ExpiredToken',
  'InvalidToken', 'AllAccessDisabled', 'AccountProblem',
]);

/**
 * The one place S3 failures become errno: NoSuchKey/404 → ENOENT, AccessDenied/403 and
 * missing credentials → EACCES, anything else → EIO. The SDK's error stays as `cause`, so
 * the retry wrapper can still tell a 503 from a 400.
 */
export function s3FsError(err: unknown, where: { syscall: string; key: string; bucket: string }): FsError {
  if (err instanceof FsError) return err;
  const e = (err ?? {}) as S3ErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  let code: Errno = 'EIO';
  if (NOT_FOUND.has(name) || status === 404) code = 'ENOENT';
  else if (DENIED.has(name) || status === 403) code = 'EACCES';
  const detail =
    name === 'NoSuchBucket'
      ? `bucket '${where.bucket}' does not exist`
      : name === 'CredentialsProviderError'
        ? 'no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put KEY:SECRET@ in the URL'
        : `${name}${status ? ` ${status}` : e.code ? ` ${e.code}` : ''}: ${e.message ?? String(err)}`;
  return new FsError(code, { syscall: where.syscall, path: where.key, detail, cause: err });
}
