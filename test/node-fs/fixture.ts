import type { Rebase } from './normalise.js';

/** The promise API both sides offer: node:fs/promises, and a Volume that stands in for it. */
export type FsPromises = typeof import('node:fs/promises');

/** The tree every scenario starts from, made through each side's own API. */
export async function makeFixture(fs: FsPromises, p: (rel: string) => string): Promise<void> {
  await fs.writeFile(p('file'), '0123456789');
  await fs.mkdir(p('dir/sub'), { recursive: true });
  await fs.writeFile(p('dir/a.txt'), 'hello');
  await fs.writeFile(p('dir/sub/b.txt'), 'b');
  await fs.mkdir(p('empty'));
  await fs.symlink('file', p('link'));
  await fs.symlink('dir', p('dirlink'));
  await fs.symlink('nowhere', p('dangling'));
  await fs.writeFile(p('ro.txt'), 'ro', { mode: 0o444 });
}

/** Every entry under the base, with what can be observed of it: type, permissions, size, bytes or target. */
export async function snapshot(fs: FsPromises, p: (rel: string) => string, rebase: Rebase): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const name of (await fs.readdir(p(rel))).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      const st = await fs.lstat(p(child));
      const perm = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.push(`${child}/ ${perm}`);
        await walk(child);
      } else if (st.isSymbolicLink()) out.push(`${child} -> ${rebase(await fs.readlink(p(child)))}`);
      else out.push(`${child} ${perm} ${st.size} nlink=${st.nlink} ${JSON.stringify((await fs.readFile(p(child))).toString('latin1'))}`);
    }
  }
  await walk('');
  return out;
}
