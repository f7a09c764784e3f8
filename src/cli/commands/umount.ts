import { FsError } from '../../errors/index.js';
import { isMounted, unmount } from '../../fuse/mount.js';
import type { CommandDefinition } from '../command.js';

export const umount: CommandDefinition = {
  name: 'umount',
  args: '<MOUNTPOINT>',
  summary: 'unmount a mounted volume, also one whose process died (--force: also a busy one)',
  options: [{ flags: '--force', description: 'lazy unmount: detach now even while files are open or a shell is inside', default: false }],
  examples: ['slicefs umount ./mnt', 'slicefs umount /mnt/vol --force'],
  async run([mountpoint], o, io) {
    if (!isMounted(mountpoint!)) throw new FsError('EINVAL', { syscall: 'umount', path: mountpoint, detail: 'no slicefs volume is mounted there' });
    await unmount(mountpoint!, { lazy: Boolean(o.force) });
    io.out.write(`unmounted ${mountpoint}\n`);
  },
};
