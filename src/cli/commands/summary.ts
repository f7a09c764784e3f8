import { inspectThroughMount } from '../../fuse/control-client.js';
import type { TreeSummary } from '../../sdk/index.js';
import { formatBytes } from '../../sdk/sizes.js';
import { loadSdk } from '../load-sdk.js';
import { type CommandDefinition, requireMeta } from '../command.js';

export const summary: CommandDefinition = {
  name: 'summary',
  args: '<PATH>',
  summary: 'du-like totals of a path: size, files, directories (logical: clones count fully)',
  options: [
    { flags: '--meta <META_URL>', description: 'the volume PATH is in (without it, PATH is a path on a mount)' },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: ['slicefs summary /mnt/vol/datasets', 'slicefs summary --meta sqlite3://./data/slicefs.db /datasets'],
  async run([path], o, io) {
    // A path on a mount is answered by the mount, as this user; otherwise --meta names the volume.
    const onMount = o.meta ? undefined : (inspectThroughMount('summary', path!) as TreeSummary | undefined);
    const s = onMount ?? (await summaryOfVolumePath(requireMeta(o, path!), path!));
    if (o.json) return void io.out.write(`${JSON.stringify({ path, ...s }, null, 2)}\n`);
    io.out.write(`${path}: ${formatBytes(s.size)} (${s.size} bytes), ${s.files} files, ${s.dirs} directories\n`);
  },
};

async function summaryOfVolumePath(metaUrl: string, path: string): Promise<TreeSummary> {
  const { Volume } = await loadSdk();
  const volume = await Volume.open(metaUrl, { program: 'slicefs summary', readOnly: true });
  try {
    return await volume.summary(path);
  } finally {
    await volume.close();
  }
}
