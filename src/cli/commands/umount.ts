import { FsError } from '../../errors/index.js';
import { isMounted, unmount } from '../../fuse/mount.js';
import type { CommandDefinition } from '../command.js';

export const umount: CommandDefinition = {
  name: 'umount',
  args: '<MOUNTPOINT>',
  summary: 'unmount a mounted volume (--force: also a busy mount or one whose process died)',
  options: [{ flags: '--force', description: 'lazy unmount: detach now even if busy or if the mount process is gone', default: false }],
  examples: ['slicefs umount ./mnt', 'slicefs umount /mnt/vol --force'],
  async run([mountpoint], o, io) {
    if (!isMounted(mountpoint!)) throw new FsError('EINVAL', { syscall: 'umount', path: mountpoint, detail: 'no slicefs volume is mounted there' });
    await unmount(mountpoint!, { lazy: Boolean(o.force) });
    io.out.write(`unmounted ${mountpoint}\n`);
  },
};
