import { type Attr, type Edge, FILE_TYPE_BITS, type FileType, type Timespec } from '../meta/types.js';

const ms = (t: Timespec) => t.sec * 1000 + t.nsec / 1e6;
const ns = (t: Timespec) => BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);

/** Type tests shared by Stats and Dirent, as Node's fs has them. */
abstract class TypeTests {
  protected abstract readonly fileType: FileType;
  isFile() { return this.fileType === 'file'; }
  isDirectory() { return this.fileType === 'dir'; }
  isSymbolicLink() { return this.fileType === 'symlink'; }
  isFIFO() { return this.fileType === 'fifo'; }
  isCharacterDevice() { return this.fileType === 'chr'; }
  isBlockDevice() { return this.fileType === 'blk'; }
  isSocket() { return this.fileType === 'socket'; }
}

/** An inode's status, shaped like Node's fs.Stats, with nanosecond times too. */
export class VolumeStats extends TypeTests {
  protected readonly fileType: FileType;
  readonly dev = 0;
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blksize = 4096;
  readonly blocks: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly birthtimeMs: number;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly atime: Date;
  readonly mtime: Date;
  readonly ctime: Date;
  readonly birthtime: Date;

  constructor(attr: Attr) {
    super();
    this.fileType = attr.type;
    this.ino = attr.ino;
    this.mode = FILE_TYPE_BITS[attr.type] | attr.mode;
    this.nlink = attr.nlink;
    this.uid = attr.uid;
    this.gid = attr.gid;
    this.rdev = attr.rdev;
    this.size = attr.length;
    this.blocks = Math.ceil(attr.length / 512);
    this.atimeMs = ms(attr.atime);
    this.mtimeMs = ms(attr.mtime);
    this.ctimeMs = ms(attr.ctime);
    this.birthtimeMs = this.ctimeMs;
    this.atimeNs = ns(attr.atime);
    this.mtimeNs = ns(attr.mtime);
    this.ctimeNs = ns(attr.ctime);
    this.atime = new Date(this.atimeMs);
    this.mtime = new Date(this.mtimeMs);
    this.ctime = new Date(this.ctimeMs);
    this.birthtime = new Date(this.birthtimeMs);
  }
}

/** A directory entry, shaped like Node's fs.Dirent. */
export class VolumeDirent extends TypeTests {
  protected readonly fileType: FileType;
  readonly name: string;
  /** The directory the entry is in. */
  readonly parentPath: string;

  constructor(edge: Edge, parentPath: string) {
    super();
    this.fileType = edge.type;
    this.name = edge.name.toString();
    this.parentPath = parentPath;
  }
}
