import { writevSync } from 'node:fs';
import { constants } from 'node:os';
import { type Errno, errnoNumber, FsError } from '../errors/index.js';

/** Where replies go: the /dev/fuse descriptor (or a fake in tests). */
export interface ReplyChannel {
  /** Writes one whole message (header and payload) in one system call. */
  send(parts: readonly Buffer[]): void;
}

const HEADER_SIZE = 16;
const TWO_32 = 2 ** 32;
const { EIO } = constants.errno;
/**
 * Failed reply writes that are nobody's error: ENOENT, the request was interrupted or aborted
 * meanwhile; ENODEV, unmounted; EBADF, a handler finished after the session closed the device.
 */
const GONE = new Set(['ENOENT', 'ENODEV', 'EBADF']);

/** A channel on the /dev/fuse file descriptor. Replies are written synchronously: the kernel copies and returns. */
export function deviceChannel(fd: number, onError: (err: NodeJS.ErrnoException) => void): ReplyChannel {
  return {
    send(parts) {
      try {
        writevSync(fd, parts as Buffer[]);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (!GONE.has(e.code ?? '')) onError(e);
      }
    },
  };
}

/** Writes one message: the out header (len, error, unique), then the payload. */
export function sendMessage(channel: ReplyChannel, spec: { unique: number; error: number }, payload: readonly Buffer[] = []): void {
  let len = HEADER_SIZE;
  for (const p of payload) len += p.length;
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  header.writeUInt32LE(len, 0);
  header.writeInt32LE(spec.error, 4);
  header.writeUInt32LE(spec.unique % TWO_32, 8);
  header.writeUInt32LE(Math.floor(spec.unique / TWO_32), 12);
  channel.send(payload.length ? [header, ...payload] : [header]);
}

/** The positive errno number for anything a handler throws: FsError codes map; anything else is EIO. */
export function errnoOf(err: unknown): number {
  if (err instanceof FsError) return errnoNumber(err.code);
  if (typeof err === 'number') return err;
  return EIO;
}

/**
 * The answer to one request, sendable once. A second send is a bug and throws; a request whose
 * handler finishes without sending is answered EIO by the session (`settle`).
 */
export class Reply {
  private state: 'open' | 'sent' = 'open';
  /** The errno sent (0 for success), for the access log. */
  sentError = 0;

  constructor(
    private readonly channel: ReplyChannel,
    readonly unique: number,
  ) {}

  get sent(): boolean {
    return this.state === 'sent';
  }

  private take(): void {
    if (this.state === 'sent') throw new Error(`request ${this.unique} answered twice`);
    this.state = 'sent';
  }

  /** Success with a payload (one buffer or several written together). */
  ok(payload?: Buffer | readonly Buffer[]): void {
    this.take();
    sendMessage(this.channel, { unique: this.unique, error: 0 }, payload === undefined ? [] : Buffer.isBuffer(payload) ? [payload] : payload);
  }

  /** Failure: an errno name, a positive errno number, or any thrown value (FsError → its errno, else EIO). */
  error(err: Errno | number | unknown): void {
    const n = typeof err === 'string' ? errnoNumber(err as Errno) : errnoOf(err);
    this.take();
    this.sentError = n;
    sendMessage(this.channel, { unique: this.unique, error: -n });
  }

  /** Marks a request that takes no answer (FORGET): it counts as handled. */
  none(): void {
    this.take();
  }
}
