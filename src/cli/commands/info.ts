import { inspectThroughMount } from '../../fuse/control-client.js';
import type { SpaceInfo } from '../../sdk/index.js';
import { formatBytes } from '../../sdk/sizes.js';
import { loadSdk } from '../load-sdk.js';
import { type CommandDefinition, requireMeta } from '../command.js';

type Info = SpaceInfo & { ino: number; type: string };

export const info: CommandDefinition = {
  name: 'info',
  args: '<PATH>',
  summary: "show a path's inode, type, and logical, shared and exclusive bytes",
  options: [
    { flags: '--meta <META_URL>', description: 'the volume PATH is in (without it, PATH is a path on a mount)' },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: ['slicefs info /mnt/vol/datasets/v1', 'slicefs info --meta sqlite3://./data/slicefs.db /datasets/v1'],
  async run([path], o, io) {
    // A path on a mount is answered by the mount, as this user; otherwise --meta names the volume.
    const onMount = o.meta ? undefined : (inspectThroughMount('info', path!) as Info | undefined);
    const i = onMount ?? (await infoOfVolumePath(requireMeta(o, path!), path!));
    if (o.json) return void io.out.write(`${JSON.stringify({ path, ...i }, null, 2)}\n`);
    io.out.write(
      [
        `${path}:`,
        `  inode:     ${i.ino}`,
        `  type:      ${i.type}`,
        `  logical:   ${formatBytes(i.size)} (${i.size} bytes) in ${i.files} files, ${i.dirs} directories`,
        `  shared:    ${formatBytes(i.sharedBytes)} (also referenced by other files)`,
        `  exclusive: ${formatBytes(i.exclusiveBytes)} (freed by deleting it)`,
      ].join('\n') + '\n',
    );
  },
};

async function infoOfVolumePath(metaUrl: string, path: string): Promise<Info> {
  const { Volume } = await loadSdk();
  const volume = await Volume.open(metaUrl, { program: 'slicefs info', readOnly: true });
  try {
    return await volume.info(path);
  } finally {
    await volume.close();
  }
}
