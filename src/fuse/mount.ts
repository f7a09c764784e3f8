import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FsError, toFsError } from '../errors/index.js';

/** The file system type `mount` and /proc/mounts show. */
export const FS_TYPE = 'fuse.slicefs';

/** How a volume is mounted. */
export interface MountSpec {
  /** The source column of `mount` and `df` (e.g. `slicefs:myvol`). */
  source: string;
  readOnly?: boolean;
  /** Mount over a directory that has entries (they are hidden while mounted); otherwise ENOTEMPTY. */
  nonempty?: boolean;
}

/** The path /proc/self/mountinfo shows for a mount point (its parent's real path; a dead mount cannot be resolved itself). */
export function mountPath(mountpoint: string): string {
  const target = path.resolve(mountpoint);
  try {
    return path.join(realpathSync(path.dirname(target)), path.basename(target));
  } catch {
    return target;
  }
}

function run(command: string, args: string[], stdio: StdioOptions = ['ignore', 'pipe', 'pipe']): Promise<{ code: number; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, err: err.trim() }));
  });
}

/**
 * Checks a mount point can take a mount: a directory (ENOENT, ENOTDIR), no mount there, live or
 * dead (EBUSY), and empty unless `nonempty` (ENOTEMPTY: a mount would hide its entries).
 * Returns the path the mount table will show.
 */
export function checkMountpoint(mountpoint: string, options: { nonempty?: boolean } = {}): string {
  const target = mountPath(mountpoint);
  let st;
  try {
    st = statSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTCONN' || code === 'ECONNABORTED') {
      throw new FsError('EBUSY', { syscall: 'mount', path: target, detail: `a dead mount is here; clean it with: slicefs umount ${target}` });
    }
    throw new FsError(code === 'ENOTDIR' || code === 'EACCES' ? code : 'ENOENT', { syscall: 'mount', path: target, cause: err });
  }
  if (!st.isDirectory()) throw new FsError('ENOTDIR', { syscall: 'mount', path: target });
  if (isMounted(target)) throw new FsError('EBUSY', { syscall: 'mount', path: target, detail: 'a slicefs volume is already mounted here' });
  let entries: string[];
  try {
    entries = options.nonempty ? [] : readdirSync(target);
  } catch (err) {
    throw toFsError(err, { syscall: 'mount', path: target });
  }
  if (entries.length > 0) {
    throw new FsError('ENOTEMPTY', { syscall: 'mount', path: target, detail: 'a mount would hide its entries; use --nonempty to mount over them' });
  }
  return target;
}

/**
 * Opens /dev/fuse and mounts it at `mountpoint` with `mount -i` (no libfuse, no helper): the
 * device descriptor goes to the child as fd 3. Returns the descriptor the session reads.
 * The kernel sends INIT next; until it is answered, the mount point blocks.
 */
export async function mountDevice(mountpoint: string, spec: MountSpec): Promise<number> {
  const target = checkMountpoint(mountpoint, spec);
  let fd: number;
  try {
    fd = openSync('/dev/fuse', 'r+');
  } catch (err) {
    throw toFsError(err, { syscall: 'open', path: '/dev/fuse', detail: 'mounting needs root and the fuse kernel module' });
  }
  const options = [
    'fd=3', 'rootmode=40000', `user_id=${process.getuid?.() ?? 0}`, `group_id=${process.getgid?.() ?? 0}`,
    'allow_other', 'default_permissions', ...(spec.readOnly ? ['ro'] : []),
  ];
  const { code, err } = await run('mount', ['-i', '-t', FS_TYPE, '-o', options.join(','), spec.source, target], ['ignore', 'pipe', 'pipe', fd]);
  if (code !== 0) {
    closeSync(fd);
    throw new FsError(/busy|already/i.test(err) ? 'EBUSY' : /permitted|denied/i.test(err) ? 'EPERM' : 'EIO', { syscall: 'mount', path: target, detail: err });
  }
  return fd;
}

/**
 * Unmounts a slicefs mount point. `lazy` detaches it at once even if busy or its process died
 * (umount -l); otherwise a busy mount fails with EBUSY.
 */
export async function unmount(mountpoint: string, options: { lazy?: boolean } = {}): Promise<void> {
  const target = mountPath(mountpoint);
  const root = (process.getuid?.() ?? 0) === 0;
  const args = root ? [...(options.lazy ? ['-l'] : []), target] : ['-u', ...(options.lazy ? ['-z'] : []), target];
  const { code, err } = await run(root ? 'umount' : 'fusermount3', args);
  if (code === 0) return;
  const errno = /busy/i.test(err) ? 'EBUSY' : /not mounted|not found|no mount point/i.test(err) ? 'EINVAL' : 'EIO';
  throw new FsError(errno, { syscall: 'umount', path: target, detail: err });
}

/** The mount entry of `mountpoint` in /proc/self/mountinfo, if a slicefs volume is mounted there. */
export function mountEntry(mountpoint: string): { source: string; minor: number } | undefined {
  const target = mountPath(mountpoint);
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    // id parent major:minor root mountpoint options ... - fstype source superoptions
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0 || fields[4] !== target.replace(/ /g, '\\040') || fields[dash + 1] !== FS_TYPE) continue;
    return { source: fields[dash + 2] ?? '', minor: Number(fields[2]!.split(':')[1]) };
  }
  return undefined;
}

/** True when a slicefs volume is mounted at `mountpoint`. */
export const isMounted = (mountpoint: string) => mountEntry(mountpoint) !== undefined;

/** Aborts the kernel connection of a mount (pending and future requests fail): the last resort when the daemon cannot answer. */
export function abortConnection(minor: number): boolean {
  try {
    writeFileSync(`/sys/fs/fuse/connections/${minor}/abort`, '1');
    return true;
  } catch {
    return false;
  }
}

/** Sets the kernel read-ahead of a mount (the INIT reply can only lower the 128 KiB default). Best effort. */
export function setReadahead(minor: number, kib: number): boolean {
  try {
    writeFileSync(`/sys/class/bdi/0:${minor}/read_ahead_kb`, String(kib));
    return true;
  } catch {
    return false;
  }
}
