import fs from 'node:fs';
import type { SyscallHelper } from './syscall-helper.js';
import { idOf, nameOfId } from './users.js';

/** What lstat shows of a path, in the words the expectations use. */
export interface StatShape {
  type: string;
  mode: string; // permission and set-id bits, octal
  nlink: number;
  uid: string;
  gid: string;
  size: number;
  ino: string;
  rdev: string; // major:minor
  atime: string; // sec:nsec
  mtime: string;
  ctime: string;
}

/** Where an operation runs: the case directory, the owner of what setup creates, the helper. */
export interface OperationEnv {
  cwd: string;
  owner: { uid: number; gid: number };
  helper: SyscallHelper;
}

export type OperationResult = StatShape | string | number | string[] | null | undefined;
type Operation = (args: string[], env: OperationEnv) => OperationResult | void | Promise<OperationResult | void>;

// No path.join: it would normalise `d/..`, `d/.` and trailing slashes, which the cases test.
const at = (env: OperationEnv, p: string) => (p.startsWith('/') ? p : `${env.cwd}/${p}`);
const octal = (s: string | undefined, fallback: number) => (s === undefined ? fallback : parseInt(s, 8));

const FLAG_NAMES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_CREAT', 'O_EXCL', 'O_TRUNC', 'O_APPEND', 'O_DIRECTORY', 'O_NOFOLLOW', 'O_NOATIME', 'O_SYNC', 'O_NONBLOCK'] as const;
/** `O_WRONLY|O_CREAT` → the number open(2) takes. */
export function openFlags(s: string): number {
  return s.split('|').reduce((acc, name) => {
    const v = (fs.constants as Record<string, number>)[name];
    if (!FLAG_NAMES.includes(name as (typeof FLAG_NAMES)[number]) || v === undefined) throw new Error(`unknown open flag ${name}`);
    return acc | v;
  }, 0);
}

const RENAME_FLAGS: Record<string, number> = { 0: 0, NOREPLACE: 1, EXCHANGE: 2, WHITEOUT: 4 };
/** fallocate(2) mode bits by name (linux/falloc.h). */
const FALLOC_MODES: Record<string, number> = { KEEP_SIZE: 0x01, PUNCH_HOLE: 0x02, ZERO_RANGE: 0x10 };
const NODE_TYPES: Record<string, number> = { f: 0o100000, c: 0o020000, b: 0o060000, p: 0o010000, s: 0o140000, d: 0o040000 };

function typeOf(st: fs.BigIntStats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'chr';
  if (st.isBlockDevice()) return 'blk';
  return 'sock';
}
const BILLION = 1_000_000_000n;
/** sec:nsec with 0 <= nsec < 10^9, as timespec has it (so -0.75 s is -1:250000000). */
const time = (ns: bigint) => {
  const nsec = ((ns % BILLION) + BILLION) % BILLION;
  return `${(ns - nsec) / BILLION}:${nsec}`;
};
const major = (dev: bigint) => Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
const minor = (dev: bigint) => Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));

export function statShape(st: fs.BigIntStats): StatShape {
  return {
    type: typeOf(st),
    mode: (Number(st.mode) & 0o7777).toString(8).padStart(4, '0'),
    nlink: Number(st.nlink),
    uid: nameOfId(Number(st.uid), 'uid'),
    gid: nameOfId(Number(st.gid), 'gid'),
    size: Number(st.size),
    ino: String(st.ino),
    rdev: `${major(st.rdev)}:${minor(st.rdev)}`,
    atime: time(st.atimeNs),
    mtime: time(st.mtimeNs),
    ctime: time(st.ctimeNs),
  };
}

/** Opens, runs `body` on the descriptor, closes (even when `body` fails). */
function withFd<T>(open: { file: string; flags: number; mode?: number }, body: (fd: number) => T): T {
  const fd = fs.openSync(open.file, open.flags, open.mode ?? 0o644);
  try {
    return body(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The operations a case names, each one system call under test (the `open-*` ones add a
 * write or truncate through the new descriptor). Setup-only conveniences (`file`, `dir`, `fifo`)
 * create, chown to the case's owner and chmod, in that order: chown clears set-id bits.
 */
export const operations: Record<string, Operation> = {
  chmod: ([p, m], env) => fs.chmodSync(at(env, p!), octal(m, 0)),
  chown: ([p, u, g], env) => fs.chownSync(at(env, p!), idOf(u!, 'uid'), idOf(g ?? '-', 'gid')),
  lchown: ([p, u, g], env) => fs.lchownSync(at(env, p!), idOf(u!, 'uid'), idOf(g ?? '-', 'gid')),
  link: ([a, b], env) => fs.linkSync(at(env, a!), at(env, b!)),
  mkdir: ([p, m], env) => fs.mkdirSync(at(env, p!), octal(m, 0o777)),
  mkfifo: ([p, m], env) => env.helper.call('mkfifo', at(env, p!), octal(m, 0o666)),
  /** mknod PATH TYPE(f|c|b|p|s|d) MODE [MAJOR MINOR] */
  mknod: ([p, t, m, maj, min], env) => env.helper.call('mknod', at(env, p!), (NODE_TYPES[t!] ?? parseInt(t!, 8)) | octal(m, 0o644), maj ?? 0, min ?? 0),
  open: ([p, f, m], env) => withFd({ file: at(env, p!), flags: openFlags(f!), mode: octal(m, 0o666) }, () => undefined),
  /** open PATH FLAGS DATA [MODE], write DATA at the file position, close: O_APPEND, write's own times. */
  'open-write': ([p, f, data, m], env) => withFd({ file: at(env, p!), flags: openFlags(f!), mode: octal(m, 0o666) }, (fd) => fs.writeSync(fd, data ?? '')),
  /** open PATH FLAGS (default O_WRONLY), ftruncate to LEN, close. */
  ftruncate: ([p, len, f], env) => withFd({ file: at(env, p!), flags: openFlags(f ?? 'O_WRONLY') }, (fd) => fs.ftruncateSync(fd, Number(len))),
  /** fallocate PATH MODE OFFSET LENGTH, MODE `0` or names such as PUNCH_HOLE|KEEP_SIZE (linux/falloc.h). */
  fallocate: ([p, m, off, len], env) => env.helper.call('fallocate', at(env, p!), (m ?? '0').split('|').reduce((acc, n) => acc | (FALLOC_MODES[n] ?? Number(n)), 0), off!, len!),
  read: ([p], env) => fs.readFileSync(at(env, p!), 'latin1'),
  readdir: ([p], env) => fs.readdirSync(at(env, p!)).sort(),
  readlink: ([p], env) => fs.readlinkSync(at(env, p!)),
  rename: ([a, b], env) => fs.renameSync(at(env, a!), at(env, b!)),
  /** rename2 OLD NEW NOREPLACE|EXCHANGE: renameat2(2). */
  rename2: ([a, b, f], env) => env.helper.call('renameat2', at(env, a!), at(env, b!), (f ?? '0').split('|').reduce((acc, n) => acc | RENAME_FLAGS[n]!, 0)),
  rmdir: ([p], env) => fs.rmdirSync(at(env, p!)),
  symlink: ([target, p], env) => fs.symlinkSync(target!, at(env, p!)),
  truncate: ([p, len], env) => env.helper.call('truncate', at(env, p!), len!),
  unlink: ([p], env) => fs.unlinkSync(at(env, p!)),
  /** utimes PATH ATIME MTIME, each `now`, `omit` or `SEC:NSEC`: utimensat(2) following symlinks. */
  utimes: ([p, a, m], env) => env.helper.call('utimensat', at(env, p!), a!, m!, 'follow'),
  lutimes: ([p, a, m], env) => env.helper.call('utimensat', at(env, p!), a!, m!, 'nofollow'),
  /** utimensat(PATH, NULL): both times now, which write permission alone allows. */
  touch: ([p], env) => env.helper.call('touch', at(env, p!)),
  lstat: ([p], env) => statShape(fs.lstatSync(at(env, p!), { bigint: true })),
  stat: ([p], env) => statShape(fs.statSync(at(env, p!), { bigint: true })),

  /** file PATH [MODE=0644] [OWNER] [CONTENT] */
  file: ([p, m, o, content], env) => {
    fs.writeFileSync(at(env, p!), content ?? '', { flag: 'wx' });
    return ownAndMode(at(env, p!), { mode: octal(m, 0o644), owner: ownerOf(o, env) });
  },
  /** dir PATH [MODE=0755] [OWNER] */
  dir: ([p, m, o], env) => {
    fs.mkdirSync(at(env, p!));
    return ownAndMode(at(env, p!), { mode: octal(m, 0o755), owner: ownerOf(o, env) });
  },
  /** fifo PATH [MODE=0644] [OWNER] */
  fifo: async ([p, m, o], env) => {
    await env.helper.call('mkfifo', at(env, p!), 0o600);
    return ownAndMode(at(env, p!), { mode: octal(m, 0o644), owner: ownerOf(o, env) });
  },
  /** sym TARGET PATH [OWNER]: a symlink owned by the case's owner. */
  sym: ([target, p, o], env) => {
    fs.symlinkSync(target!, at(env, p!));
    const { uid, gid } = ownerOf(o, env);
    fs.lchownSync(at(env, p!), uid, gid);
  },
};

function ownerOf(token: string | undefined, env: OperationEnv) {
  if (token === undefined) return env.owner;
  const [u, g] = token.split(':');
  return { uid: idOf(u!, 'uid'), gid: idOf(g ?? u!, 'gid') };
}

function ownAndMode(file: string, to: { mode: number; owner: { uid: number; gid: number } }): undefined {
  fs.chownSync(file, to.owner.uid, to.owner.gid);
  fs.chmodSync(file, to.mode);
  return undefined;
}
