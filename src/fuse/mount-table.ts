import { readFileSync } from 'node:fs';

/** One line of /proc/self/mountinfo: where something is mounted and what it is. */
export interface MountInfo {
  mountpoint: string;
  fstype: string;
  source: string;
}

/** mountinfo escapes spaces, tabs, newlines and backslashes as \ooo. */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Every mount this process sees. */
export function mounts(): MountInfo[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      const dash = fields.indexOf('-');
      return { mountpoint: unescape(fields[4]!), fstype: fields[dash + 1]!, source: unescape(fields[dash + 2] ?? '') };
    });
}

/** The mount an absolute, symlink-free path lies on (the deepest mount point above it). */
export function mountOf(absolute: string): MountInfo | undefined {
  let best: MountInfo | undefined;
  for (const m of mounts()) {
    const inside = absolute === m.mountpoint || absolute.startsWith(m.mountpoint === '/' ? '/' : `${m.mountpoint}/`);
    if (inside && (!best || m.mountpoint.length >= best.mountpoint.length)) best = m;
  }
  return best;
}
