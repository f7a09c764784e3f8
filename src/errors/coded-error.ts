/** Stable codes of failures that are not POSIX errors: configuration, format, URLs. */
export type ErrorCode =
  | 'ERR_BAD_URL'
  | 'ERR_UNKNOWN_SCHEME'
  | 'ERR_ALREADY_FORMATTED'
  | 'ERR_NOT_FORMATTED'
  | 'ERR_FORMAT_VERSION'
  | 'ERR_BAD_OPTION'
  | 'ERR_STORE_UNWRITABLE'
  | 'ERR_ENGINE'
  | 'ERR_BAD_DUMP'
  | 'ERR_PARTIAL_LOAD';

/** A non-POSIX failure with a stable code, the subject it was about, and a cause. */
export class CodedError extends Error {
  readonly code: ErrorCode;
  /** What the failure was about: a URL, an option name, a volume. */
  readonly subject: string | undefined;

  constructor(code: ErrorCode, message: string, options: { subject?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    this.subject = options.subject;
  }
}
