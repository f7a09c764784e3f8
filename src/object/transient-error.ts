/** Error names of S3 and S3-compatible stores that mean "try again later". */
const TRANSIENT_NAMES = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'TooManyRequestsException', 'RequestLimitExceeded',
  'RequestThrottled', 'RequestTimeout', 'RequestTimeoutException', 'InternalError', 'ServiceUnavailable',
  'BandwidthLimitExceeded', 'PriorRequestNotComplete', 'TimeoutError',
]);

/** Node and undici codes of network failures worth a new connection. */
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'ENETDOWN', 'EHOSTDOWN', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  transient?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * True when a failure of a store request may succeed if repeated: a 5xx answer, throttling
 * (SlowDown, 503, 429) or a network error. Other 4xx answers are final. Looks through the
 * `cause` chain, since stores report FsErrors whose cause is the client's own error.
 */
export function isTransientError(err: unknown): boolean {
  for (let e = err as ErrorShape | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as ErrorShape, depth++) {
    if (e.transient === true) return true;
    if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
    const status = e.$metadata?.httpStatusCode;
    if (typeof status === 'number' && status >= 400) return status >= 500 || status === 429;
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  }
  return false;
}
