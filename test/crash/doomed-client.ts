// A client process of the shared-engine crash test, killed (-9) by the test while it works:
// it holds unlinked files open (sustained inodes), clones a tree over and over in batches of
// one entry (so a detached tree is under way), and writes and fsyncs files, printing a JSON
// line for each file whose fsync and close returned.
// Run: node --import tsx test/crash/doomed-client.ts '{"metaUrl":…,"sessionTtlMs":2000,…}'
import { Volume, type VolumeFileHandle } from '../../src/sdk/index.js';
import { randInt, seededRandom } from '../support/random.js';
import { fileContent } from './content.js';

/** What the doomed client does. */
export interface DoomedClientArgs {
  metaUrl: string;
  sessionTtlMs: number;
  /** Directory of its files (exists). */
  dir: string;
  /** Unlinked files it keeps open, of `heldSize` bytes. */
  held: number;
  heldSize: number;
  /** The tree it clones again and again into `dir/clone-<n>`. */
  cloneSrc: string;
  maxSize: number;
  seed: number;
}

const args = JSON.parse(process.argv[2]!) as DoomedClientArgs;
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function main(): Promise<void> {
  const vol = await Volume.open(args.metaUrl, { program: 'crash doomed client', sessionTtlMs: args.sessionTtlMs });
  emit({ session: vol.meta.session, pid: process.pid });
  const handles: VolumeFileHandle[] = [];
  for (let i = 0; i < args.held; i++) {
    const file = `${args.dir}/held-${i}`;
    const h = await vol.open(file, 'w');
    await h.write(fileContent(file, args.heldSize));
    await h.sync();
    const { ino } = await h.stat();
    await vol.unlink(file);
    handles.push(h);
    emit({ held: file, ino, length: args.heldSize });
  }
  const clones = (async () => {
    for (let n = 0; ; n++) {
      await vol.clone(args.cloneSrc, `${args.dir}/clone-${n}`, { batchSize: 1 });
      emit({ cloned: `${args.dir}/clone-${n}` });
    }
  })();
  const writes = (async () => {
    const rand = seededRandom(args.seed);
    for (let i = 0; ; i++) {
      const file = `${args.dir}/w-${i}`;
      const data = fileContent(file, 1 + randInt(rand, args.maxSize));
      const h = await vol.open(file, 'w');
      for (let at = 0; at < data.length; ) {
        const n = Math.min(data.length - at, 1 + randInt(rand, 256 * 1024));
        await h.write(data.subarray(at, at + n));
        at += n;
      }
      await h.sync();
      await h.close();
      emit({ written: file, length: data.length });
    }
  })();
  await Promise.all([clones, writes]);
}

main().catch((err: NodeJS.ErrnoException) => {
  emit({ error: err.code ?? err.message, stack: err.stack });
  process.exit(1);
});
