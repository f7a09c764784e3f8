import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from './s3-error.js';

/** The one key pair the gateway accepts. */
export interface Credentials {
  accessKey: string;
  secretKey: string;
}

/** What a verified request was signed with: the seed of aws-chunked chunk signatures, and how its body is hashed. */
export interface Authorization {
  amzDate: string;
  scope: string;
  signature: string;
  signingKey: Buffer;
  /** x-amz-content-sha256: a hex SHA-256, UNSIGNED-PAYLOAD, or a STREAMING-… mode. */
  payloadHash: string;
}

/** The request parts a signature covers. */
export interface SignedRequest {
  method: string;
  /** The path as sent (percent-encoded). */
  rawPath: string;
  /** The query string as sent, without '?'. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

export const EMPTY_SHA256 = createHash('sha256').digest('hex');
const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 canonicalizes: everything but A-Z a-z 0-9 - . _ ~ is %XX. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeOrDeny(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw s3Error('InvalidArgument', { message: 'the request URI is not valid percent-encoding' });
  }
}

/** The query's parameters, decoded, in order (a parameter without '=' has the value ''). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery.split('&').filter(Boolean).map((pair) => {
    const i = pair.indexOf('=');
    return i < 0 ? [decodeOrDeny(pair), ''] : [decodeOrDeny(pair.slice(0, i)), decodeOrDeny(pair.slice(i + 1))];
  });
}

function canonicalRequest(req: SignedRequest, spec: { signedHeaders: string[]; payloadHash: string; dropSignature: boolean }): string {
  // S3 signs the path as the client sent it (encoded once, not normalized).
  const uri = req.rawPath;
  const query = parseQuery(req.rawQuery)
    .filter(([k]) => !(spec.dropSignature && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = spec.signedHeaders.map((name) => {
    const value = req.headers[name];
    const text = Array.isArray(value) ? value.join(',') : (value ?? '');
    return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
  });
  return [req.method, uri, query, headers.join(''), spec.signedHeaders.join(';'), spec.payloadHash].join('\n');
}

/** The SigV4 signing key of a scope `date/region/service/aws4_request`. */
export function signingKey(secretKey: string, scope: string): Buffer {
  const [date, region, service] = scope.split('/');
  return hmac(hmac(hmac(hmac(`AWS4${secretKey}`, date!), region!), service!), 'aws4_request');
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Parses `20261204T101500Z`; undefined when malformed. */
function parseAmzDate(text: string | undefined): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

interface Parsed {
  credential: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  payloadHash: string;
  presigned: boolean;
  expires?: number;
}

function parseHeaderAuth(req: SignedRequest, header: string): Parsed {
  const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/.exec(header);
  if (!m) {
    throw s3Error(header.startsWith('AWS ') ? 'InvalidRequest' : 'AccessDenied', { message: 'only AWS Signature Version 4 (AWS4-HMAC-SHA256) is accepted' });
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (!payloadHash) throw s3Error('InvalidRequest', { message: 'missing required header for this request: x-amz-content-sha256' });
  return { credential: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]!, amzDate, payloadHash, presigned: false };
}

function parsePresigned(query: Map<string, string>): Parsed {
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) throw s3Error('AccessDenied', { message: 'only AWS4-HMAC-SHA256 presigned URLs are accepted' });
  const expires = Number(query.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw s3Error('AuthorizationQueryParametersError', { message: 'X-Amz-Expires must be a whole number of seconds from 1 to 604800' });
  }
  return {
    credential: query.get('X-Amz-Credential') ?? '',
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';'),
    signature: query.get('X-Amz-Signature') ?? '',
    amzDate: query.get('X-Amz-Date') ?? '',
    payloadHash: query.get('X-Amz-Content-Sha256') ?? query.get('x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD',
    presigned: true,
    expires,
  };
}

/**
 * Verifies a request's AWS Signature Version 4, from the Authorization header or a presigned
 * URL's query; throws the S3 error a client expects (AccessDenied, InvalidAccessKeyId,
 * SignatureDoesNotMatch, RequestTimeTooSkewed) otherwise.
 */
export function verifyRequest(req: SignedRequest, options: { credentials: Credentials; now?: number }): Authorization {
  const header = req.headers.authorization;
  const query = new Map(parseQuery(req.rawQuery));
  let parsed: Parsed;
  if (header) parsed = parseHeaderAuth(req, header);
  else if (query.has('X-Amz-Signature')) parsed = parsePresigned(query);
  else throw s3Error('AccessDenied', { message: 'anonymous requests are not accepted: sign them with AWS Signature Version 4' });

  const [accessKey, ...scopeParts] = parsed.credential.split('/');
  const scope = scopeParts.join('/');
  if (scopeParts.length !== 4 || scopeParts[3] !== 'aws4_request') throw s3Error('AuthorizationHeaderMalformed', { message: `malformed credential '${parsed.credential}'` });
  if (accessKey !== options.credentials.accessKey) throw s3Error('InvalidAccessKeyId');
  if (!parsed.signedHeaders.includes('host')) throw s3Error('AccessDenied', { message: 'the Host header must be signed' });
  const when = parseAmzDate(parsed.amzDate);
  if (when === undefined || !parsed.amzDate.startsWith(scopeParts[0]!)) throw s3Error('AccessDenied', { message: 'X-Amz-Date is missing, malformed or outside the credential scope' });
  const now = options.now ?? Date.now();
  if (parsed.presigned) {
    if (now > when + parsed.expires! * 1000) throw s3Error('AccessDenied', { message: 'Request has expired' });
    if (when - now > MAX_SKEW_MS) throw s3Error('AccessDenied', { message: 'Request is not valid yet' });
  } else if (Math.abs(now - when) > MAX_SKEW_MS) {
    throw s3Error('RequestTimeTooSkewed');
  }
  const canonical = canonicalRequest(req, { signedHeaders: parsed.signedHeaders, payloadHash: parsed.payloadHash, dropSignature: parsed.presigned });
  const stringToSign = [ALGORITHM, parsed.amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = signingKey(options.credentials.secretKey, scope);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (!sameSignature(expected, parsed.signature)) throw s3Error('SignatureDoesNotMatch');
  return { amzDate: parsed.amzDate, scope, signature: parsed.signature, signingKey: key, payloadHash: parsed.payloadHash };
}

/** The signature of one aws-chunked chunk, chained from the previous one (the seed is the request's). */
export function chunkSignature(auth: Authorization, spec: { previous: string; chunkSha256: string }): string {
  const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', auth.amzDate, auth.scope, spec.previous, EMPTY_SHA256, spec.chunkSha256].join('\n');
  return createHmac('sha256', auth.signingKey).update(stringToSign).digest('hex');
}

export { sameSignature };
