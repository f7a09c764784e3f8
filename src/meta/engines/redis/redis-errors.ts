import { type Errno, FsError } from '../../../errors/index.js';

/** Server error replies by their first word, and the errno each stands for. */
const REPLY_ERRNO: Readonly<Record<string, Errno>> = {
  OOM: 'ENOSPC',
  READONLY: 'EROFS',
  MISCONF: 'EROFS',
  NOPERM: 'EACCES',
  NOAUTH: 'EACCES',
  WRONGPASS: 'EACCES',
  BUSY: 'EAGAIN',
  LOADING: 'EAGAIN',
  TRYAGAIN: 'EAGAIN',
};

/** One driver failure as an FsError (the one mapping at this boundary); FsErrors pass through. */
export function redisError(err: unknown, where: string): FsError {
  if (err instanceof FsError) return err;
  const message = String((err as Error)?.message ?? err);
  const replies = (err as { replies?: unknown[] }).replies;
  const first = Array.isArray(replies) ? replies.find((r) => r instanceof Error) : undefined;
  // Inside MULTI a refused command aborts EXEC: `EXECABORT Transaction discarded because of: OOM …`.
  const reply = String((first as Error | undefined)?.message ?? message).replace(/^EXECABORT .*?because of: /, '');
  const word = reply.split(' ')[0] ?? '';
  const errno = REPLY_ERRNO[word] ?? 'EIO';
  const detail = first ? `${message}: ${(first as Error).message}` : message;
  return new FsError(errno, { syscall: 'redis', detail: `${where}: ${detail}`, cause: err });
}
