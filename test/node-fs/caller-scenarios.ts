// Differential scenarios run as a caller who is not root (uid/gid 65534, no groups) on a tree
// root made (fixture.ts, then callerFixture): node:fs/promises in a child process under setpriv,
// a Volume opened with that caller identity. One line per case, as in scenarios.ts.
import type { FsPromises } from './fixture.js';
import type { Scenario } from './scenarios.js';

export const NOBODY = { uid: 65534, gid: 65534 };

/** What root adds to the fixture for permission cases (modes set with chmod, whatever the umask). */
export async function callerFixture(fs: FsPromises, p: (rel: string) => string): Promise<void> {
  const dir = async (rel: string, mode: number) => (await fs.mkdir(p(rel)), await fs.chmod(p(rel), mode));
  const file = async (rel: string, mode: number) => (await fs.writeFile(p(rel), rel), await fs.chmod(p(rel), mode));
  await dir('open', 0o777);
  await dir('closed', 0o755);
  await file('closed/inner.txt', 0o644);
  await fs.chmod(p('closed'), 0o700);
  await dir('rodir', 0o755);
  await file('rodir/x.txt', 0o666);
  await fs.chmod(p('rodir'), 0o555);
  await file('secret.txt', 0o600);
  await file('shared.txt', 0o666);
  await dir('sticky', 0o777);
  await file('sticky/rootfile', 0o666);
  await fs.chmod(p('sticky'), 0o1777);
}

type Run = Scenario['run'];
const scenarios: Scenario[] = [];
const c = (name: string, run: Run) => void scenarios.push({ name, run });
const steps = (...fns: Run[]): Run => async (fs, p) => {
  const out: unknown[] = [];
  for (const fn of fns) out.push(await fn(fs, p).catch((err: unknown) => err));
  return out;
};

// ── reading ─────────────────────────────────────────────────────────────────────────────────
c('as nobody: readFile of a 0644 file', (fs, p) => fs.readFile(p('file'), 'utf8'));
c('as nobody: readFile of a 0600 file', (fs, p) => fs.readFile(p('secret.txt')));
c('as nobody: readFile inside a 0700 directory', (fs, p) => fs.readFile(p('closed/inner.txt')));
c('as nobody: stat inside a 0700 directory', (fs, p) => fs.stat(p('closed/inner.txt')));
c('as nobody: stat of the 0700 directory itself', (fs, p) => fs.stat(p('closed')));
c('as nobody: readdir of a 0700 directory', (fs, p) => fs.readdir(p('closed')));
c('as nobody: opendir of a 0700 directory', async (fs, p) => (await fs.opendir(p('closed'))).close());
c('as nobody: readdir of a 0555 directory', async (fs, p) => (await fs.readdir(p('rodir'))).sort());
c('as nobody: realpath inside a 0700 directory', (fs, p) => fs.realpath(p('closed/inner.txt')));
c('as nobody: open a 0600 file "r"', async (fs, p) => (await fs.open(p('secret.txt'), 'r')).close());
c('as nobody: open a 0644 file "r+"', async (fs, p) => (await fs.open(p('file'), 'r+')).close());
c('as nobody: open a 0666 file "r+" and write', async (fs, p) => {
  const h = await fs.open(p('shared.txt'), 'r+');
  try {
    return await h.write('SH', 0);
  } finally {
    await h.close();
  }
});

c('as nobody: write a 0666 file of root, then set its times: EPERM, and the write stays', async (fs, p) => {
  const h = await fs.open(p('shared.txt'), 'r+');
  let refused: unknown;
  try {
    await h.write('nobody', 0);
    refused = await h.utimes(10, 20).catch((err: unknown) => err);
  } finally {
    await h.close();
  }
  return [refused, await fs.readFile(p('shared.txt'), 'utf8'), (await fs.stat(p('shared.txt'))).mtimeMs > 20_000];
});

// ── access ──────────────────────────────────────────────────────────────────────────────────
c('as nobody: access R_OK of a 0644 file', (fs, p) => fs.access(p('file'), 4));
c('as nobody: access W_OK of a 0644 file', (fs, p) => fs.access(p('file'), 2));
c('as nobody: access R_OK of a 0600 file', (fs, p) => fs.access(p('secret.txt'), 4));
c('as nobody: access X_OK of a 0755 directory', (fs, p) => fs.access(p('dir'), 1));
c('as nobody: access F_OK inside a 0700 directory', (fs, p) => fs.access(p('closed/inner.txt')));

// ── writing and creating ────────────────────────────────────────────────────────────────────
c('as nobody: writeFile over a 0644 file', (fs, p) => fs.writeFile(p('file'), 'mine'));
c('as nobody: appendFile to a 0444 file', (fs, p) => fs.appendFile(p('ro.txt'), 'x'));
c('as nobody: writeFile of a 0666 file', (fs, p) => fs.writeFile(p('shared.txt'), 'anyone'));
c('as nobody: truncate a 0644 file', (fs, p) => fs.truncate(p('file'), 2));
c('as nobody: writeFile creating in a 0755 root directory', (fs, p) => fs.writeFile(p('new.txt'), 'x'));
c('as nobody: writeFile creating in a 0777 directory', (fs, p) => fs.writeFile(p('open/new.txt'), 'x', { mode: 0o640 }));
c('as nobody: mkdir in a 0755 root directory', (fs, p) => fs.mkdir(p('n')));
c('as nobody: mkdir in a 0555 directory', (fs, p) => fs.mkdir(p('rodir/n')));
c('as nobody: mkdir in a 0777 directory', (fs, p) => fs.mkdir(p('open/n')));
c('as nobody: mkdir recursive below a 0755 root directory', (fs, p) => fs.mkdir(p('a/b/c'), { recursive: true }));
/** The six random characters of a name mkdtemp tried, masked in its error. */
const masked = (err: NodeJS.ErrnoException) => Promise.reject(Object.assign(err, { path: err.path?.replace(/tmp-.{6}$/, 'tmp-??????') }));
c('as nobody: mkdtemp in a 0755 root directory', (fs, p) => fs.mkdtemp(p('tmp-')).catch(masked));
c('as nobody: symlink in a 0755 root directory', (fs, p) => fs.symlink('file', p('mylink')));
c('as nobody: symlink in a 0777 directory', (fs, p) => fs.symlink('../file', p('open/mylink')));
c('as nobody: copyFile of a 0600 file into a 0777 directory', (fs, p) => fs.copyFile(p('secret.txt'), p('open/copy')));
c('as nobody: copyFile of a 0644 file into a 0755 root directory', (fs, p) => fs.copyFile(p('file'), p('copy')));
c('as nobody: writeFile then link within a 0777 directory', steps((fs, p) => fs.writeFile(p('open/mine'), 'm'), (fs, p) => fs.link(p('open/mine'), p('open/hard'))));

// ── removing and renaming ───────────────────────────────────────────────────────────────────
c('as nobody: unlink in a 0755 root directory', (fs, p) => fs.unlink(p('file')));
c('as nobody: unlink in a 0555 directory', (fs, p) => fs.unlink(p('rodir/x.txt')));
c('as nobody: unlink of root\'s file in a sticky 1777 directory', (fs, p) => fs.unlink(p('sticky/rootfile')));
c('as nobody: unlink of its own file in a sticky 1777 directory', steps((fs, p) => fs.writeFile(p('sticky/mine'), 'm'), (fs, p) => fs.unlink(p('sticky/mine'))));
c('as nobody: rmdir in a 0755 root directory', (fs, p) => fs.rmdir(p('empty')));
c('as nobody: rm recursive of a 0700 directory', (fs, p) => fs.rm(p('closed'), { recursive: true }));
c('as nobody: rename out of a 0755 root directory', (fs, p) => fs.rename(p('file'), p('open/file')));
c('as nobody: rename within a 0777 directory', steps((fs, p) => fs.writeFile(p('open/a'), 'a'), (fs, p) => fs.rename(p('open/a'), p('open/b'))));

// ── attributes ──────────────────────────────────────────────────────────────────────────────
c('as nobody: chmod of root\'s file', (fs, p) => fs.chmod(p('file'), 0o777));
c('as nobody: chown of root\'s file to itself', (fs, p) => fs.chown(p('file'), 65534, 65534));
c('as nobody: utimes of root\'s file to given times', (fs, p) => fs.utimes(p('file'), 1, 2));
c('as nobody: chmod of its own file', steps((fs, p) => fs.writeFile(p('open/own'), 'o'), (fs, p) => fs.chmod(p('open/own'), 0o600)));

export const CALLER_SCENARIOS: readonly Scenario[] = scenarios;
