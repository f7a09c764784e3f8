export { type Errno, errnoNumber, errnoDescription, isErrno } from './errno.js';
export { FsError, type FsErrorContext, fail, isFsError, toFsError } from './fs-error.js';
export { CodedError, type ErrorCode } from './coded-error.js';
export { redactUrl, urlScheme, urlBody } from './url-scheme.js';
export { type LogLine, logFailure, logToStderr } from './background-log.js';
