import { isFsError } from '../errors/index.js';
import type { Errno } from '../errors/index.js';

/** An S3 error answer: its code (as AWS spells it), HTTP status and message. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** The bucket or key it was about, shown as <Resource>. */
    readonly resource?: string,
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

/** The S3 errors this gateway answers, by code: status and default message. */
const CODES: Record<string, [number, string]> = {
  AccessDenied: [403, 'Access Denied'],
  AuthorizationHeaderMalformed: [400, 'The authorization header is malformed.'],
  AuthorizationQueryParametersError: [400, 'The presigned URL query parameters are malformed.'],
  BadDigest: [400, 'The Content-MD5 you specified did not match what we received.'],
  BucketAlreadyOwnedByYou: [409, 'Your previous request to create the named bucket succeeded and you already own it.'],
  BucketNotEmpty: [409, 'The bucket you tried to delete is not empty'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed size'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed object size.'],
  IncompleteBody: [400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  InsufficientStorage: [507, 'The volume is out of space or over its quota.'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
  InvalidAccessKeyId: [403, 'The AWS Access Key Id you provided does not exist in our records.'],
  InvalidArgument: [400, 'Invalid Argument'],
  InvalidBucketName: [400, 'The specified bucket is not valid.'],
  InvalidDigest: [400, 'The Content-MD5 you specified is not valid.'],
  InvalidPart: [400, 'One or more of the specified parts could not be found.'],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order.'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InvalidRequest: [400, 'Invalid Request'],
  KeyTooLongError: [400, 'Your key is too long'],
  MalformedXML: [400, 'The XML you provided was not well-formed or did not validate against our published schema.'],
  MetadataTooLarge: [400, 'Your metadata headers exceed the maximum allowed metadata size.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  MissingContentLength: [411, 'You must provide the Content-Length HTTP header.'],
  NoSuchBucket: [404, 'The specified bucket does not exist'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchUpload: [404, 'The specified multipart upload does not exist.'],
  NotImplemented: [501, 'A header or operation you provided implies functionality that is not implemented'],
  NotModified: [304, 'Not Modified'],
  ObjectConflict: [409, 'A key names a directory where an object is, or an object where a directory is.'],
  PreconditionFailed: [412, 'At least one of the preconditions you specified did not hold.'],
  RequestTimeTooSkewed: [403, "The difference between the request time and the server's time is too large."],
  SignatureDoesNotMatch: [403, 'The request signature we calculated does not match the signature you provided.'],
  XAmzContentSHA256Mismatch: [400, "The provided 'x-amz-content-sha256' header does not match what was computed."],
};

/** An S3 error by code, with its usual status; `message` replaces the default text. */
export function s3Error(code: keyof typeof CODES | string, options: { message?: string; resource?: string } = {}): S3Error {
  const [status, text] = CODES[code] ?? [500, code];
  return new S3Error(code, status, options.message ?? text, options.resource);
}

/** What an errno means to an S3 client; `missing` is the code for ENOENT (NoSuchKey, NoSuchBucket, NoSuchUpload). */
const FROM_ERRNO: Partial<Record<Errno, string>> = {
  EACCES: 'AccessDenied',
  EPERM: 'AccessDenied',
  EROFS: 'AccessDenied',
  ENOTEMPTY: 'BucketNotEmpty',
  ENAMETOOLONG: 'KeyTooLongError',
  ENOTDIR: 'ObjectConflict',
  EISDIR: 'ObjectConflict',
  EEXIST: 'ObjectConflict',
  ENOSPC: 'InsufficientStorage',
  EDQUOT: 'InsufficientStorage',
  EFBIG: 'EntityTooLarge',
  EINVAL: 'InvalidArgument',
};

/** The S3 error for any failure: S3Errors pass through, errnos map, anything else is InternalError. */
export function toS3Error(err: unknown, context: { missing?: string; resource?: string } = {}): S3Error {
  if (err instanceof S3Error) return err;
  if (isFsError(err)) {
    const code = err.code === 'ENOENT' ? (context.missing ?? 'NoSuchKey') : FROM_ERRNO[err.code];
    if (code) return s3Error(code, { resource: context.resource });
  }
  return s3Error('InternalError', { resource: context.resource });
}
