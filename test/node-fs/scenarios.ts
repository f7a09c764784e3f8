// The differential scenarios: each is one line of data, run against node:fs/promises on a temp
// directory and against a Volume, from the same fixture (fixture.ts); results and the tree after
// must be equal. Add a case by adding a line.
import type { FileHandle } from 'node:fs/promises';
import type { FsPromises } from './fixture.js';

export interface Scenario {
  name: string;
  run(fs: FsPromises, p: (rel: string) => string): Promise<unknown>;
  /** Why a volume answers differently on purpose (docs/sdk.md lists these); the test checks it still does. */
  differs?: string;
}

type Run = Scenario['run'];
const scenarios: Scenario[] = [];
const c = (name: string, run: Run) => void scenarios.push({ name, run });
/** A scenario where a volume differs from Node on a local disk on purpose, and why. */
const differs = (name: string, why: string, run: Run) => void scenarios.push({ name, run, differs: why });

/** Opens `rel` with `flags`, runs `fn` on the handle, closes it; returns what `fn` returned. */
const withHandle = (rel: string, flags: string | number, fn: (h: FileHandle) => Promise<unknown>): Run => async (fs, p) => {
  const h = await fs.open(p(rel), flags);
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
};
/** Runs several steps and returns each step's result or error (so one failing step does not hide the next). */
const steps = (...fns: Run[]): Run => async (fs, p) => {
  const out: unknown[] = [];
  for (const fn of fns) out.push(await fn(fs, p).catch((err: unknown) => err));
  return out;
};
const enc = ['utf8', 'hex', 'base64', 'latin1', 'buffer'] as const;

// ── readFile ────────────────────────────────────────────────────────────────────────────────
c('readFile: buffer', (fs, p) => fs.readFile(p('file')));
for (const e of enc) c(`readFile: encoding ${e} as a string`, (fs, p) => fs.readFile(p('file'), e as BufferEncoding));
for (const e of enc) c(`readFile: { encoding: ${e} }`, (fs, p) => fs.readFile(p('file'), { encoding: e as BufferEncoding }));
c('readFile: { flag: "r" }', (fs, p) => fs.readFile(p('file'), { flag: 'r' }));
c('readFile: { flag: "a+" } creates a missing file', (fs, p) => fs.readFile(p('new'), { flag: 'a+', encoding: 'utf8' }));
c('readFile: { flag: "w+" } empties the file', (fs, p) => fs.readFile(p('file'), { flag: 'w+' }));
c('readFile: through a symlink', (fs, p) => fs.readFile(p('link'), 'utf8'));
c('readFile: missing', (fs, p) => fs.readFile(p('missing')));
c('readFile: a directory', (fs, p) => fs.readFile(p('dir')));
c('readFile: a dangling symlink', (fs, p) => fs.readFile(p('dangling')));
c('readFile: path through a file', (fs, p) => fs.readFile(p('file/x')));
c('readFile: empty file', async (fs, p) => (await fs.writeFile(p('e'), ''), fs.readFile(p('e'), 'utf8')));
c('readFile: bad encoding', (fs, p) => fs.readFile(p('file'), 'nope' as BufferEncoding));
c('readFile: bad flag', (fs, p) => fs.readFile(p('file'), { flag: 'q' }));
c('readFile: path with a NUL byte', (fs, p) => fs.readFile(p('fi\0le')));
c('readFile: path of a wrong type', (fs) => fs.readFile(42 as never));
c('readFile: Buffer path', (fs, p) => fs.readFile(Buffer.from(p('file')), 'utf8'));
c('readFile: file: URL path', (fs, p) => fs.readFile(new URL(`file://${p('file')}`), 'utf8'));
c('readFile: http: URL path', (fs) => fs.readFile(new URL('http://example.com/x')));

// ── writeFile / appendFile ──────────────────────────────────────────────────────────────────
c('writeFile: string', async (fs, p) => fs.writeFile(p('w'), 'data'));
c('writeFile: Buffer', async (fs, p) => fs.writeFile(p('w'), Buffer.from([0, 1, 2, 255])));
c('writeFile: Uint8Array', async (fs, p) => fs.writeFile(p('w'), new Uint8Array([65, 66, 67])));
c('writeFile: DataView', async (fs, p) => fs.writeFile(p('w'), new DataView(new Uint8Array([67, 68, 69, 70]).buffer, 1, 2)));
c('writeFile: hex string encoding', async (fs, p) => fs.writeFile(p('w'), '414243', 'hex'));
c('writeFile: { encoding: base64 }', async (fs, p) => fs.writeFile(p('w'), 'aGVsbG8=', { encoding: 'base64' }));
c('writeFile: { mode: 0o600 }', async (fs, p) => fs.writeFile(p('w'), 'x', { mode: 0o600 }));
c('writeFile: { mode: "640" }', async (fs, p) => fs.writeFile(p('w'), 'x', { mode: '640' as never }));
c('writeFile: replaces an existing file', async (fs, p) => fs.writeFile(p('file'), 'new'));
c('writeFile: { flag: "wx" } on an existing file', async (fs, p) => fs.writeFile(p('file'), 'new', { flag: 'wx' }));
c('writeFile: { flag: "a" } appends', async (fs, p) => fs.writeFile(p('file'), 'more', { flag: 'a' }));
c('writeFile: { flag: "r+" } overwrites in place', async (fs, p) => fs.writeFile(p('file'), 'AB', { flag: 'r+' }));
c('writeFile: into a missing directory', async (fs, p) => fs.writeFile(p('nodir/x'), 'x'));
c('writeFile: onto a directory', async (fs, p) => fs.writeFile(p('dir'), 'x'));
c('writeFile: through a symlink', async (fs, p) => fs.writeFile(p('link'), 'via link'));
c('writeFile: through a dangling symlink creates the target', async (fs, p) => fs.writeFile(p('dangling'), 'made'));
c('writeFile: data of a wrong type', async (fs, p) => fs.writeFile(p('w'), 42 as never));
c('writeFile: an async iterable', async (fs, p) => fs.writeFile(p('w'), (async function* () { yield 'a'; yield Buffer.from('b'); })()));
c('writeFile: an array of strings (iterable)', async (fs, p) => fs.writeFile(p('w'), ['x', 'y'] as never));
c('appendFile: to an existing file', async (fs, p) => fs.appendFile(p('file'), 'AB'));
c('appendFile: creates', async (fs, p) => fs.appendFile(p('new'), 'AB'));
c('appendFile: { mode } on create', async (fs, p) => fs.appendFile(p('new'), 'AB', { mode: 0o640 }));
c('appendFile: encoding string', async (fs, p) => fs.appendFile(p('file'), 'ff00', 'hex'));
c('appendFile: { flag: "ax" } existing', async (fs, p) => fs.appendFile(p('file'), 'x', { flag: 'ax' }));
c('appendFile: to a directory', async (fs, p) => fs.appendFile(p('dir'), 'x'));
/** Runs `fn` with `fs` and a handle of `rel` opened with `flags` (Node takes a FileHandle where it takes a path in readFile/writeFile/appendFile). */
const onHandle = (rel: string, flags: string, fn: (fs: FsPromises, h: FileHandle) => Promise<unknown>): Run => async (fs, p) => {
  const h = await fs.open(p(rel), flags);
  try {
    return await fn(fs, h);
  } finally {
    await h.close();
  }
};
c('readFile: a FileHandle, from its position', onHandle('file', 'r', async (fs, h) => (await h.read(Buffer.alloc(3), 0, 3), fs.readFile(h, 'utf8'))));
c('writeFile: a FileHandle', onHandle('file', 'r+', (fs, h) => fs.writeFile(h, 'AB')));
c('appendFile: a FileHandle opened "a"', onHandle('file', 'a', (fs, h) => fs.appendFile(h, 'CD')));

// ── stat / lstat ────────────────────────────────────────────────────────────────────────────
for (const rel of ['file', 'dir', 'link', 'dirlink', 'empty', 'ro.txt']) {
  c(`stat: ${rel}`, (fs, p) => fs.stat(p(rel)));
  c(`lstat: ${rel}`, (fs, p) => fs.lstat(p(rel)));
  c(`stat: ${rel} { bigint: true }`, (fs, p) => fs.stat(p(rel), { bigint: true }));
  c(`lstat: ${rel} { bigint: true }`, (fs, p) => fs.lstat(p(rel), { bigint: true }));
}
c('stat: missing', (fs, p) => fs.stat(p('missing')));
c('stat: dangling symlink', (fs, p) => fs.stat(p('dangling')));
c('lstat: dangling symlink', (fs, p) => fs.lstat(p('dangling')));
c('stat: through a file', (fs, p) => fs.stat(p('file/x')));
c('stat: trailing slash on a file', (fs, p) => fs.stat(`${p('file')}/`));
c('stat: trailing slash on a directory', (fs, p) => fs.stat(`${p('dir')}/`));
c('stat: dot-dot inside', (fs, p) => fs.stat(p('dir/sub/../a.txt')));
c('stat: throwIfNoEntry is ignored by promises', (fs, p) => fs.stat(p('missing'), { throwIfNoEntry: false } as never));

// ── access ──────────────────────────────────────────────────────────────────────────────────
for (const [label, mode] of [['F_OK', 0], ['R_OK', 4], ['W_OK', 2], ['X_OK', 1], ['R_OK|W_OK', 6]] as const) {
  c(`access: file ${label}`, (fs, p) => fs.access(p('file'), mode));
  c(`access: dir ${label}`, (fs, p) => fs.access(p('dir'), mode));
}
c('access: default mode', (fs, p) => fs.access(p('file')));
c('access: missing', (fs, p) => fs.access(p('missing')));
c('access: dangling symlink', (fs, p) => fs.access(p('dangling')));
c('access: bad mode', (fs, p) => fs.access(p('file'), 99));
c('access: mode of a wrong type', (fs, p) => fs.access(p('file'), 'r' as never));

// ── mkdir ───────────────────────────────────────────────────────────────────────────────────
c('mkdir: new', (fs, p) => fs.mkdir(p('n')));
c('mkdir: existing', (fs, p) => fs.mkdir(p('dir')));
c('mkdir: over a file', (fs, p) => fs.mkdir(p('file')));
c('mkdir: missing parent', (fs, p) => fs.mkdir(p('a/b')));
c('mkdir: parent is a file', (fs, p) => fs.mkdir(p('file/x')));
c('mkdir: { mode: 0o700 }', (fs, p) => fs.mkdir(p('n'), { mode: 0o700 }));
c('mkdir: mode as a number argument', (fs, p) => fs.mkdir(p('n'), 0o711));
c('mkdir: { mode: "750" }', (fs, p) => fs.mkdir(p('n'), { mode: '750' as never }));
c('mkdir: recursive new returns the first made', (fs, p) => fs.mkdir(p('a/b/c'), { recursive: true }));
c('mkdir: recursive existing returns undefined', (fs, p) => fs.mkdir(p('dir/sub'), { recursive: true }));
c('mkdir: recursive through a file', (fs, p) => fs.mkdir(p('file/a/b'), { recursive: true }));
c('mkdir: recursive onto a file', (fs, p) => fs.mkdir(p('file'), { recursive: true }));
c('mkdir: recursive through a symlink to a dir', (fs, p) => fs.mkdir(p('dirlink/new/x'), { recursive: true }));
c('mkdir: recursive with dot-dot', (fs, p) => fs.mkdir(p('a/../b/c'), { recursive: true }));
c('mkdir: bad mode', (fs, p) => fs.mkdir(p('n'), { mode: 'rwx' as never }));

// ── readdir ─────────────────────────────────────────────────────────────────────────────────
c('readdir: names', async (fs, p) => (await fs.readdir(p(''))).sort());
c('readdir: withFileTypes', async (fs, p) => (await fs.readdir(p(''), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name)));
differs('readdir: recursive', 'Node 20 follows symlinks to directories in a recursive readdir (and can loop); a volume lists the symlink only', async (fs, p) => (await fs.readdir(p(''), { recursive: true })).sort());
c('readdir: recursive withFileTypes', async (fs, p) =>
  (await fs.readdir(p(''), { recursive: true, withFileTypes: true })).sort((a, b) => `${a.parentPath}/${a.name}`.localeCompare(`${b.parentPath}/${b.name}`)));
c('readdir: encoding buffer', async (fs, p) => (await fs.readdir(p('dir'), { encoding: 'buffer' })).sort(Buffer.compare));
c('readdir: encoding string "buffer"', async (fs, p) => (await fs.readdir(p('dir'), 'buffer')).sort(Buffer.compare));
c('readdir: encoding hex', async (fs, p) => (await fs.readdir(p('dir'), 'hex')).sort());
c('readdir: empty', (fs, p) => fs.readdir(p('empty')));
c('readdir: through a symlink', async (fs, p) => (await fs.readdir(p('dirlink'))).sort());
c('readdir: a file', (fs, p) => fs.readdir(p('file')));
c('readdir: missing', (fs, p) => fs.readdir(p('missing')));
c('readdir: bad encoding', (fs, p) => fs.readdir(p('dir'), 'nope' as never));

// ── rename ──────────────────────────────────────────────────────────────────────────────────
c('rename: file to new name', (fs, p) => fs.rename(p('file'), p('moved')));
c('rename: file over a file', (fs, p) => fs.rename(p('file'), p('ro.txt')));
c('rename: file over a directory', (fs, p) => fs.rename(p('file'), p('empty')));
c('rename: directory over a file', (fs, p) => fs.rename(p('empty'), p('file')));
c('rename: directory over an empty directory', (fs, p) => fs.rename(p('dir'), p('empty')));
c('rename: directory over a non-empty directory', (fs, p) => fs.rename(p('empty'), p('dir')));
c('rename: directory into itself', (fs, p) => fs.rename(p('dir'), p('dir/sub/x')));
c('rename: missing source', (fs, p) => fs.rename(p('missing'), p('x')));
c('rename: missing target parent', (fs, p) => fs.rename(p('file'), p('nodir/x')));
c('rename: a symlink (not its target)', (fs, p) => fs.rename(p('link'), p('link2')));
c('rename: onto itself', (fs, p) => fs.rename(p('file'), p('file')));
c('rename: into a subdirectory', (fs, p) => fs.rename(p('file'), p('dir/sub/file')));

// ── unlink / rmdir / rm ─────────────────────────────────────────────────────────────────────
c('unlink: file', (fs, p) => fs.unlink(p('file')));
c('unlink: symlink (not its target)', (fs, p) => fs.unlink(p('link')));
c('unlink: directory', (fs, p) => fs.unlink(p('dir')));
c('unlink: missing', (fs, p) => fs.unlink(p('missing')));
c('rmdir: empty', (fs, p) => fs.rmdir(p('empty')));
c('rmdir: non-empty', (fs, p) => fs.rmdir(p('dir')));
c('rmdir: a file', (fs, p) => fs.rmdir(p('file')));
c('rmdir: missing', (fs, p) => fs.rmdir(p('missing')));
c('rmdir: a symlink to a dir', (fs, p) => fs.rmdir(p('dirlink')));
c('rm: file', (fs, p) => fs.rm(p('file')));
c('rm: symlink to a dir', (fs, p) => fs.rm(p('dirlink')));
c('rm: directory without recursive', (fs, p) => fs.rm(p('dir')));
c('rm: empty directory without recursive', (fs, p) => fs.rm(p('empty')));
c('rm: directory recursive', (fs, p) => fs.rm(p('dir'), { recursive: true }));
c('rm: missing', (fs, p) => fs.rm(p('missing')));
c('rm: missing with force', (fs, p) => fs.rm(p('missing'), { force: true }));
c('rm: missing under a file with force', (fs, p) => fs.rm(p('file/x'), { force: true }));

// ── symlink / readlink / link ───────────────────────────────────────────────────────────────
c('symlink: new', (fs, p) => fs.symlink('target', p('s')));
c('symlink: existing name', (fs, p) => fs.symlink('target', p('file')));
c('symlink: missing parent', (fs, p) => fs.symlink('target', p('nodir/s')));
c('symlink: absolute target', (fs, p) => fs.symlink('/abs/target', p('s')));
c('symlink: type argument is ignored on Linux', (fs, p) => fs.symlink('dir', p('s'), 'dir'));
c('readlink: symlink', (fs, p) => fs.readlink(p('link')));
c('readlink: buffer encoding', (fs, p) => fs.readlink(p('link'), 'buffer'));
c('readlink: { encoding: hex }', (fs, p) => fs.readlink(p('link'), { encoding: 'hex' }));
c('readlink: a file', (fs, p) => fs.readlink(p('file')));
c('readlink: missing', (fs, p) => fs.readlink(p('missing')));
c('link: new', (fs, p) => fs.link(p('file'), p('hard')));
c('link: existing name', (fs, p) => fs.link(p('file'), p('ro.txt')));
c('link: a directory', (fs, p) => fs.link(p('dir'), p('hard')));
c('link: missing source', (fs, p) => fs.link(p('missing'), p('hard')));
c('link: a symlink links the symlink itself', (fs, p) => fs.link(p('link'), p('hard')));

// ── chmod / chown / utimes / truncate ───────────────────────────────────────────────────────
c('chmod: number', (fs, p) => fs.chmod(p('file'), 0o600));
c('chmod: octal string', (fs, p) => fs.chmod(p('file'), '644'));
c('chmod: octal string with setuid', (fs, p) => fs.chmod(p('file'), '4755'));
c('chmod: bad string', (fs, p) => fs.chmod(p('file'), 'abc'));
c('chmod: negative', (fs, p) => fs.chmod(p('file'), -1));
c('chmod: through a symlink', (fs, p) => fs.chmod(p('link'), 0o640));
c('chmod: missing', (fs, p) => fs.chmod(p('missing'), 0o600));
c('chmod: a directory', (fs, p) => fs.chmod(p('dir'), 0o700));
c('lchmod: is not implemented on Linux', (fs, p) => fs.lchmod(p('link'), 0o600));
c('chown: to itself', (fs, p) => fs.chown(p('file'), 0, 0));
c('chown: -1 leaves both', (fs, p) => fs.chown(p('file'), -1, -1));
c('chown: missing', (fs, p) => fs.chown(p('missing'), 0, 0));
c('chown: uid of a wrong type', (fs, p) => fs.chown(p('file'), 'root' as never, 0));
c('chown: out of range', (fs, p) => fs.chown(p('file'), -2, 0));
c('lchown: a symlink', (fs, p) => fs.lchown(p('link'), 0, 0));
c('lchown: missing', (fs, p) => fs.lchown(p('missing'), 0, 0));
c('utimes: seconds', async (fs, p) => (await fs.utimes(p('file'), 1000, 2000), (await fs.stat(p('file'))).mtimeMs));
c('utimes: Dates', async (fs, p) => (await fs.utimes(p('file'), new Date(5000), new Date(6000)), (await fs.stat(p('file'))).mtimeMs));
c('utimes: numeric strings', async (fs, p) => (await fs.utimes(p('file'), '100' as never, '200' as never), (await fs.stat(p('file'))).mtimeMs));
c('utimes: fractional seconds', async (fs, p) => (await fs.utimes(p('file'), 1.5, 2.25), (await fs.stat(p('file'))).mtimeMs));
c('utimes: missing', (fs, p) => fs.utimes(p('missing'), 1, 1));
c('utimes: through a symlink', async (fs, p) => (await fs.utimes(p('link'), 1, 7), (await fs.stat(p('file'))).mtimeMs));
c('lutimes: the symlink itself', async (fs, p) => (await fs.lutimes(p('link'), 1, 9), (await fs.lstat(p('link'))).mtimeMs, (await fs.stat(p('file'))).mtimeMs === 9000));
c('lutimes: missing', (fs, p) => fs.lutimes(p('missing'), 1, 1));
c('truncate: shorter', (fs, p) => fs.truncate(p('file'), 4));
c('truncate: longer', (fs, p) => fs.truncate(p('file'), 20));
c('truncate: default to 0', (fs, p) => fs.truncate(p('file')));
c('truncate: negative', (fs, p) => fs.truncate(p('file'), -1));
c('truncate: a directory', (fs, p) => fs.truncate(p('dir'), 0));
c('truncate: missing', (fs, p) => fs.truncate(p('missing'), 0));

// ── copyFile / cp ───────────────────────────────────────────────────────────────────────────
c('copyFile: to a new name', (fs, p) => fs.copyFile(p('file'), p('copy')));
c('copyFile: over an existing file', (fs, p) => fs.copyFile(p('file'), p('ro.txt')));
c('copyFile: COPYFILE_EXCL onto an existing file', (fs, p) => fs.copyFile(p('file'), p('ro.txt'), 1));
c('copyFile: COPYFILE_EXCL to a new name', (fs, p) => fs.copyFile(p('file'), p('copy'), 1));
c('copyFile: COPYFILE_FICLONE', (fs, p) => fs.copyFile(p('file'), p('copy'), 2));
differs('copyFile: COPYFILE_FICLONE_FORCE', 'a volume always clones; a local disk without reflink refuses with ENOTSUP', (fs, p) => fs.copyFile(p('file'), p('copy'), 4));
c('copyFile: keeps the mode', (fs, p) => fs.copyFile(p('ro.txt'), p('copy')));
c('copyFile: through a symlink copies the target', (fs, p) => fs.copyFile(p('link'), p('copy')));
c('copyFile: missing source', (fs, p) => fs.copyFile(p('missing'), p('copy')));
c('copyFile: a directory', (fs, p) => fs.copyFile(p('dir'), p('copy')));
c('copyFile: onto a directory', (fs, p) => fs.copyFile(p('file'), p('dir')));
c('copyFile: into a missing directory', (fs, p) => fs.copyFile(p('file'), p('nodir/copy')));
c('copyFile: bad mode', (fs, p) => fs.copyFile(p('file'), p('copy'), 8));
c('cp: a file', (fs, p) => fs.cp(p('file'), p('copy')));
c('cp: a directory without recursive', (fs, p) => fs.cp(p('dir'), p('copy')));
c('cp: a directory recursive', (fs, p) => fs.cp(p('dir'), p('copy'), { recursive: true }));
c('cp: onto an existing file (force default)', (fs, p) => fs.cp(p('file'), p('ro.txt')));
c('cp: onto an existing file, force false', (fs, p) => fs.cp(p('file'), p('ro.txt'), { force: false }));
c('cp: onto an existing file, force false, errorOnExist', (fs, p) => fs.cp(p('file'), p('ro.txt'), { force: false, errorOnExist: true }));
c('cp: a directory into an existing one merges', (fs, p) => fs.cp(p('dir'), p('empty'), { recursive: true }));
c('cp: a directory into itself', (fs, p) => fs.cp(p('dir'), p('dir/sub/x'), { recursive: true }));
c('cp: missing source', (fs, p) => fs.cp(p('missing'), p('copy')));
c('cp: a symlink copies the link', (fs, p) => fs.cp(p('link'), p('copy')));
c('cp: a symlink with dereference copies the target', (fs, p) => fs.cp(p('link'), p('copy'), { dereference: true }));
c('cp: a file onto a directory', (fs, p) => fs.cp(p('file'), p('dir'), { recursive: true }));
c('cp: a directory onto a file', (fs, p) => fs.cp(p('dir'), p('file'), { recursive: true }));
c('cp: with a filter', (fs, p) => fs.cp(p('dir'), p('copy'), { recursive: true, filter: (src: string) => !src.endsWith('a.txt') }));
c('cp: with an async filter', (fs, p) => fs.cp(p('dir'), p('copy'), { recursive: true, filter: async (src: string) => !src.endsWith('sub') }));
c('cp: preserveTimestamps', async (fs, p) => {
  await fs.utimes(p('file'), 100, 200);
  await fs.cp(p('file'), p('copy'), { preserveTimestamps: true });
  return (await fs.stat(p('copy'))).mtimeMs;
});

// ── realpath / mkdtemp ──────────────────────────────────────────────────────────────────────
c('realpath: plain', (fs, p) => fs.realpath(p('dir/a.txt')));
c('realpath: through symlinks and dot-dot', (fs, p) => fs.realpath(p('dirlink/sub/../a.txt')));
c('realpath: symlink', (fs, p) => fs.realpath(p('link')));
c('realpath: dangling', (fs, p) => fs.realpath(p('dangling')));
c('realpath: missing', (fs, p) => fs.realpath(p('missing')));
c('realpath: buffer encoding', (fs, p) => fs.realpath(p('link'), 'buffer'));
c('mkdtemp: makes a directory with six more characters', async (fs, p) => {
  const made = await fs.mkdtemp(p('tmp-'));
  const st = await fs.stat(made);
  return [made.length - p('tmp-').length, made.startsWith(p('tmp-')), st.isDirectory(), (st.mode & 0o777).toString(8), (await fs.rmdir(made))];
});
c('mkdtemp: missing parent', async (fs, p) => (await fs.mkdtemp(p('nodir/tmp-')).catch((e: NodeJS.ErrnoException) => e.code)));

// ── open and FileHandle ─────────────────────────────────────────────────────────────────────
for (const flags of ['r', 'r+', 'w', 'wx', 'w+', 'a', 'ax', 'a+', 'rs+', 'as', 'as+']) {
  c(`open: existing file with "${flags}"`, withHandle('file', flags, async (h) => h.stat()));
  c(`open: missing file with "${flags}"`, withHandle('new', flags, async (h) => h.stat()));
}
c('open: bad flags', (fs, p) => fs.open(p('file'), 'z'));
c('open: a directory for reading, then read', withHandle('dir', 'r', (h) => h.read(Buffer.alloc(4), 0, 4, 0)));
c('open: a directory for writing', (fs, p) => fs.open(p('dir'), 'w'));
c('open: numeric flags O_RDWR|O_CREAT', withHandle('new', 66, (h) => h.write('abc')));
c('open: mode on create', withHandle('new', 'w', (h) => h.stat()));
c('open: mode "600" on create', async (fs, p) => (await (await fs.open(p('new'), 'w', '600')).close(), (await fs.stat(p('new'))).mode));
c('handle.read(buffer, offset, length, position)', withHandle('file', 'r', (h) => h.read(Buffer.alloc(8, 0x2e), 2, 4, 3)));
c('handle.read(buffer) reads at the position and advances', withHandle('file', 'r', async (h) => [await h.read(Buffer.alloc(4)), await h.read(Buffer.alloc(4))]));
c('handle.read(buffer, { offset, length, position })', withHandle('file', 'r', (h) => h.read(Buffer.alloc(6, 0x2e), { offset: 1, length: 3, position: 5 })));
c('handle.read({ buffer, position })', withHandle('file', 'r', (h) => h.read({ buffer: Buffer.alloc(3), position: 7 })));
c('handle.read() allocates a buffer', withHandle('file', 'r', async (h) => (await h.read()).bytesRead));
c('handle.read: position past the end', withHandle('file', 'r', (h) => h.read(Buffer.alloc(4), 0, 4, 100)));
c('handle.read: position null reads at the current position', withHandle('file', 'r', async (h) => [await h.read(Buffer.alloc(2), 0, 2, null), await h.read(Buffer.alloc(2), 0, 2, null)]));
c('handle.read: position -1 reads at the current position', withHandle('file', 'r', async (h) => [await h.read(Buffer.alloc(2), 0, 2, -1), await h.read(Buffer.alloc(2), 0, 2, -1)]));
c('handle.read: explicit position does not move the current one', withHandle('file', 'r', async (h) => [await h.read(Buffer.alloc(2), 0, 2, 5), await h.read(Buffer.alloc(2))]));
c('handle.read: length past the buffer', withHandle('file', 'r', (h) => h.read(Buffer.alloc(4), 0, 10, 0)));
c('handle.read: negative offset', withHandle('file', 'r', (h) => h.read(Buffer.alloc(4), -1, 2, 0)));
c('handle.read: into a Uint8Array', withHandle('file', 'r', async (h) => Buffer.from((await h.read(new Uint8Array(3), 0, 3, 1)).buffer)));
c('handle.read: a write-only handle', withHandle('file', 'w', (h) => h.read(Buffer.alloc(4), 0, 4, 0)));
c('handle.write(buffer, offset, length, position)', withHandle('file', 'r+', (h) => h.write(Buffer.from('ABCDEFGH'), 2, 3, 4)));
c('handle.write(buffer, offset, length) at the current position', withHandle('file', 'r+', async (h) => [await h.write(Buffer.from('XYZ'), 1, 2), await h.write(Buffer.from('Q'))]));
c('handle.write(buffer, { offset, length, position })', withHandle('file', 'r+', (h) => h.write(Buffer.from('ABCDEF'), { offset: 1, length: 2, position: 8 } as never)));
c('handle.write(string, position, encoding)', withHandle('file', 'r+', (h) => h.write('4142', 2, 'hex')));
c('handle.write(string) at the current position', withHandle('file', 'r+', async (h) => [await h.write('ab'), await h.write('cd')]));
c('handle.write: position past the end leaves a hole', withHandle('file', 'r+', (h) => h.write('Z', 15)));
c('handle.write: to a read-only handle', withHandle('file', 'r', (h) => h.write('x', 0)));
c('handle.write: append handle ignores the position', withHandle('file', 'a', (h) => h.write('END', 0)));
c('handle.write: a+ handle writes at the end, reads anywhere', withHandle('file', 'a+', async (h) => [await h.write('END', 0), await h.read(Buffer.alloc(3), 0, 3, 0)]));
c('handle.write: data of a wrong type', withHandle('file', 'r+', (h) => h.write(42 as never)));
c('handle.writev at a position', withHandle('file', 'r+', (h) => h.writev([Buffer.from('ab'), Buffer.from('cd')], 3)));
c('handle.writev at the current position', withHandle('file', 'r+', async (h) => [await h.writev([Buffer.from('x')]), await h.writev([Buffer.from('yz')])]));
c('handle.readv at a position', withHandle('file', 'r', (h) => h.readv([Buffer.alloc(2), Buffer.alloc(3)], 4)));
c('handle.readv past the end', withHandle('file', 'r', (h) => h.readv([Buffer.alloc(8), Buffer.alloc(8)], 6)));
c('handle.readFile()', withHandle('file', 'r', (h) => h.readFile()));
c('handle.readFile("utf8")', withHandle('file', 'r', (h) => h.readFile('utf8')));
c('handle.readFile({ encoding: "hex" })', withHandle('file', 'r', (h) => h.readFile({ encoding: 'hex' })));
c('handle.readFile reads from the current position', withHandle('file', 'r', async (h) => (await h.read(Buffer.alloc(3)), h.readFile('utf8'))));
c('handle.writeFile(string)', withHandle('file', 'r+', (h) => h.writeFile('zz')));
c('handle.writeFile(buffer) after a read', withHandle('file', 'r+', async (h) => (await h.read(Buffer.alloc(3)), h.writeFile(Buffer.from('WW')))));
c('handle.appendFile', withHandle('file', 'a', (h) => h.appendFile('++')));
c('handle.truncate(3)', withHandle('file', 'r+', (h) => h.truncate(3)));
c('handle.truncate() to 0', withHandle('file', 'r+', (h) => h.truncate()));
c('handle.truncate on a read-only handle', withHandle('file', 'r', (h) => h.truncate(2)));
c('handle.stat', withHandle('file', 'r', (h) => h.stat()));
c('handle.stat { bigint: true }', withHandle('file', 'r', (h) => h.stat({ bigint: true })));
c('handle.chmod', withHandle('file', 'r', (h) => h.chmod(0o640)));
c('handle.chmod octal string', withHandle('file', 'r', (h) => h.chmod('600' as never)));
c('handle.chown', withHandle('file', 'r', (h) => h.chown(0, 0)));
c('handle.utimes', withHandle('file', 'r', async (h) => (await h.utimes(10, 20), (await h.stat()).mtimeMs)));
c('handle.utimes after a write: the time set outlasts the close', async (fs, p) => {
  await withHandle('file', 'r+', async (h) => (await h.write('new'), await h.utimes(10, 20)))(fs, p);
  return (await fs.stat(p('file'))).mtimeMs;
});
c('utimes of a file while a handle holds its writes: the time set outlasts the close', async (fs, p) => {
  await withHandle('file', 'r+', async (h) => (await h.write('new'), await fs.utimes(p('file'), 10, 20)))(fs, p);
  return (await fs.stat(p('file'))).mtimeMs;
});
c('handle.sync and datasync', withHandle('file', 'r+', async (h) => [await h.write('s'), await h.sync(), await h.datasync()]));
c('handle.readLines', async (fs, p) => {
  await fs.writeFile(p('lines'), 'one\ntwo\r\nthree');
  const h = await fs.open(p('lines'), 'r');
  const lines: string[] = [];
  for await (const line of h.readLines()) lines.push(line);
  return lines;
});
c('handle.createReadStream with start and end', async (fs, p) => {
  const h = await fs.open(p('file'), 'r');
  const chunks: Buffer[] = [];
  for await (const chunk of h.createReadStream({ start: 2, end: 5 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
});
c('handle.createWriteStream at a start', async (fs, p) => {
  const h = await fs.open(p('file'), 'r+');
  const stream = h.createWriteStream({ start: 4 });
  await new Promise<void>((resolve, reject) => stream.end('WXYZ', () => resolve()).on('error', reject));
  return fs.readFile(p('file'), 'utf8');
});
differs('handle: use after close', "a volume's EBADF is an FsError with errno -9 like all its errors; Node's closed-FileHandle error has no errno", async (fs, p) => {
  const h = await fs.open(p('file'), 'r');
  await h.close();
  return Promise.all([h.read(Buffer.alloc(1), 0, 1, 0).catch((e: unknown) => e), h.stat().catch((e: unknown) => e)]);
});
c('handle: close twice', async (fs, p) => {
  const h = await fs.open(p('file'), 'r');
  await h.close();
  return h.close();
});
c('handle: fd is a number', withHandle('file', 'r', async (h) => typeof h.fd));

// ── several steps: what each left behind ────────────────────────────────────────────────────
c('two appends through two "a" handles', async (fs, p) => {
  const [a, b] = [await fs.open(p('log'), 'a'), await fs.open(p('log'), 'a')];
  await a.write('1\n');
  await b.write('2\n');
  await a.write('3\n');
  await Promise.all([a.close(), b.close()]);
  return fs.readFile(p('log'), 'utf8');
});
c('write, rename, read back', steps((fs, p) => fs.writeFile(p('x'), 'x'), (fs, p) => fs.rename(p('x'), p('dir/y')), (fs, p) => fs.readFile(p('dir/y'), 'utf8')));
c('mkdir, rmdir, stat', steps((fs, p) => fs.mkdir(p('m')), (fs, p) => fs.rmdir(p('m')), (fs, p) => fs.stat(p('m'))));

export const SCENARIOS: readonly Scenario[] = scenarios;
