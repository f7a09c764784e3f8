import fs from 'node:fs';
import { type Attr, type Edge, FILE_TYPE_BITS, type FileType, type Timespec } from '../meta/types.js';

const ms = (t: Timespec) => t.sec * 1000 + t.nsec / 1e6;
const ns = (t: Timespec) => BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);
const BLOCK_SIZE = 4096;

/** Node's own BigIntStats class: not exported by `node:fs`, so taken from a stat of `/` once. */
type BigIntStatsClass = new (...fields: bigint[]) => fs.BigIntStats;
const NodeBigIntStats = fs.statSync('/', { bigint: true }).constructor as BigIntStatsClass;

/** An inode's status: a real `fs.Stats` (instanceof works); `stat(p, { bigint: true })` has nanoseconds. */
/** Node's Stats constructor takes the fields in stat(2) order; the typings declare none. */
const NodeStats = fs.Stats as unknown as new (...fields: number[]) => fs.Stats;

export class VolumeStats extends NodeStats {
  constructor(attr: Attr) {
    super(0, FILE_TYPE_BITS[attr.type] | attr.mode, attr.nlink, attr.uid, attr.gid, attr.rdev, BLOCK_SIZE, attr.ino, attr.length,
      Math.ceil(attr.length / 512), ms(attr.atime), ms(attr.mtime), ms(attr.ctime), ms(attr.ctime));
  }
}

/** `stat(path, { bigint: true })`: Node's own BigIntStats of an inode. */
export function bigIntStats(attr: Attr): fs.BigIntStats {
  const b = BigInt;
  return new NodeBigIntStats(0n, b(FILE_TYPE_BITS[attr.type] | attr.mode), b(attr.nlink), b(attr.uid), b(attr.gid), b(attr.rdev), b(BLOCK_SIZE),
    b(attr.ino), b(attr.length), b(Math.ceil(attr.length / 512)), ns(attr.atime), ns(attr.mtime), ns(attr.ctime), ns(attr.ctime));
}

/** The status Node's `stat` family returns for these options. */
export function statsOf(attr: Attr, options?: { bigint?: boolean }): VolumeStats | fs.BigIntStats {
  return options?.bigint ? bigIntStats(attr) : new VolumeStats(attr);
}

/** libuv's dirent types (fs.constants.UV_DIRENT_*, which the typings leave out). */
const DIRENT_TYPE: Record<FileType, number> = { file: 1, dir: 2, symlink: 3, fifo: 4, socket: 5, chr: 6, blk: 7 };

/** Node's Dirent constructor takes (name, type, parentPath), its type a UV_DIRENT_* number; the typings declare none. */
const NodeDirent = fs.Dirent as unknown as new (name: string | Buffer, type: number, parentPath: string) => fs.Dirent;

/** A directory entry: a real `fs.Dirent` (instanceof works), with `parentPath` (and `path`) as Node 20 sets them. */
export class VolumeDirent extends NodeDirent {
  constructor(edge: Pick<Edge, 'name' | 'type'>, parentPath: string, name?: string | Buffer) {
    super(name ?? edge.name.toString(), DIRENT_TYPE[edge.type], parentPath);
  }
}
