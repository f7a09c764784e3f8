import { createHash } from 'node:crypto';
import type { Volume } from '../../src/sdk/index.js';

/** Path → every attribute (inode number, type and mode, links, owner, size, device, nanosecond times), content hash, target, xattrs. */
export type VolumeListing = Record<string, string>;

/**
 * A listing of everything under `root` (the trash too) with all attributes, comparable between
 * two volumes; `inodes: false` leaves the inode numbers out (a `--subdir` load renumbers the root).
 */
export async function listVolume(vol: Volume, root = '/', options: { inodes?: boolean } = {}): Promise<VolumeListing> {
  const out: VolumeListing = {};
  const walk = async (p: string, rel: string) => {
    const st = await vol.lstat(p, { bigint: true });
    const xattrs: string[] = [];
    for (const name of await vol.listxattr(p)) xattrs.push(`${name}=${(await vol.getxattr(p, name)).toString('base64')}`);
    let detail = '';
    if (st.isFile()) detail = createHash('sha256').update(await vol.readFile(p)).digest('hex');
    if (st.isSymbolicLink()) detail = `-> ${await vol.readlink(p)}`;
    const ino = options.inodes === false ? '' : `#${st.ino} `;
    out[rel] = `${ino}${st.mode.toString(8)} n${st.nlink} ${st.uid}:${st.gid} ${st.size} r${st.rdev} a${st.atimeNs} m${st.mtimeNs} c${st.ctimeNs} ${detail} [${xattrs.join(',')}]`;
    if (st.isDirectory()) for (const name of (await vol.readdir(p)).sort()) await walk(`${p === '/' ? '' : p}/${name}`, `${rel}/${name}`);
  };
  await walk(root, '.');
  return out;
}

/**
 * A volume with every kind of thing a dump must carry: a tree with files, directories, a symlink
 * and xattrs, a hard link, a sparse file, a file owned by someone else with set times, a clone of
 * the tree sharing its slices (then partly rewritten), a copy-on-write copy, and trash entries.
 */
export async function fillVolume(vol: Volume): Promise<void> {
  await vol.mkdir('/src/sub/deeper', { recursive: true });
  for (let i = 0; i < 12; i++) await vol.writeFile(`/src/${i % 2 ? 'sub' : 'sub/deeper'}/f${i}`, Buffer.alloc(70_000 + i * 1000, i + 1));
  await vol.symlink('sub/f1', '/src/link');
  await vol.setxattr('/src/sub/f1', 'user.tag', 'one');
  await vol.setxattr('/src/sub', 'user.bin', Buffer.from([0, 255, 1, 254]));
  await vol.link('/src/sub/f1', '/src/hard-f1');
  await vol.writeFile('/src/naïve\nname "quoted"', 'a name JSON must escape');
  const sparse = await vol.open('/src/sparse', 'w');
  await sparse.write(Buffer.from('tail'), 0, 4, 70 * 1024 * 1024);
  await sparse.write(Buffer.from('head'), 0, 4, 0);
  await sparse.close();
  await vol.writeFile('/src/owned', 'theirs');
  await vol.chown('/src/owned', 1000, 1001);
  await vol.chmod('/src/owned', 0o4750);
  await vol.utimes('/src/owned', new Date('2001-02-03T04:05:06.789Z'), new Date('2002-03-04T05:06:07.891Z'));
  await vol.clone('/src', '/clone', { preserve: true });
  await vol.writeFile('/clone/sub/f3', 'rewritten after the clone');
  await vol.copyFile('/src/sub/deeper/f0', '/copy-of-f0');
  await vol.writeFile('/doomed', Buffer.alloc(5000, 9));
  await vol.unlink('/doomed');
  await vol.unlink('/clone/sub/f5');
}
