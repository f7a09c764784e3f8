import type { Attr, Ino } from '../meta/types.js';
import { FOPEN, NOTIFY } from './abi/constants.js';
import { encodeStruct } from './abi/layout.js';
import { fuse_notify_inval_inode_out } from './abi/structs.js';
import { attrOut, entryOut, type Timeouts } from './encode.js';
import { type ReplyChannel, sendMessage } from './reply.js';

const versionOf = (a: Attr) => `${a.mtime.sec}.${a.mtime.nsec}:${a.ctime.sec}.${a.ctime.nsec}:${a.length}`;

/**
 * What the kernel caches, and close-to-open consistency on top of it. Every attribute reply is
 * remembered (until FORGET); at OPEN the fresh attributes are compared with them. Unchanged: the
 * page cache is kept (FOPEN_KEEP_CACHE). Changed (another client wrote): the kernel's cached
 * attributes are invalidated before the OPEN reply, and its page cache is dropped by the open.
 */
export class KernelCache {
  private readonly known = new Map<Ino, string>();

  constructor(
    readonly timeouts: Timeouts,
    private readonly channel: ReplyChannel,
  ) {}

  private remember(attr: Attr): void {
    this.known.set(attr.ino, versionOf(attr));
  }

  /** fuse_entry_out for `attr`, remembered. */
  entry(attr: Attr): Buffer {
    this.remember(attr);
    return entryOut(attr, this.timeouts);
  }

  /** fuse_attr_out for `attr`, remembered; attributes `ageMs` old are kept by the kernel for that much less. */
  attr(attr: Attr, ageMs = 0): Buffer {
    this.remember(attr);
    return attrOut(attr, this.timeouts, ageMs);
  }

  /** Remembers attributes sent some other way (READDIRPLUS). */
  sent(attr: Attr): void {
    this.remember(attr);
  }

  /** The FOPEN flags for opening a file whose current attributes are `attr`. */
  openFlags(attr: Attr): number {
    const before = this.known.get(attr.ino);
    const now = versionOf(attr);
    if (before === now) return FOPEN.FOPEN_KEEP_CACHE;
    this.known.set(attr.ino, now);
    if (before !== undefined) this.invalidateAttr(attr.ino);
    return 0;
  }

  /** The kernel dropped the inode. */
  forget(ino: Ino): void {
    this.known.delete(ino);
  }

  /** Tells the kernel its cached attributes of `ino` are stale (offset -1: attributes only, no page locks). */
  invalidateAttr(ino: Ino): void {
    const body = encodeStruct(fuse_notify_inval_inode_out, { ino, off: -1, len: 0 });
    sendMessage(this.channel, { unique: 0, error: NOTIFY.FUSE_NOTIFY_INVAL_INODE }, [body]);
  }
}
