// A writer through a mount for the crash tests: writes files one after another in pieces,
// fsyncs some of them (mid-way and at the end), and prints a JSON line each time an fsync or
// a close returns, so the test knows which bytes were made durable before the mount died.
// Run: node --import tsx test/crash/stream-writer.ts '{"dir":"MNT/r0","prefix":"w0-",…}'
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { seededRandom, randInt } from '../support/random.js';
import { fileContent } from './content.js';

/** What to write: `files` files named `<prefix><i>` in `dir`, of `minSize`..`maxSize` bytes. */
export interface StreamWriterArgs {
  dir: string;
  prefix: string;
  files: number;
  minSize: number;
  maxSize: number;
  seed: number;
  /** Before the stream: write this many bytes to `<prefix>held`, fsync, unlink it and keep it open. */
  held?: number;
}

const args = JSON.parse(process.argv[2]!) as StreamWriterArgs;
const rand = seededRandom(args.seed);
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

/** Writes `data` from offset 0 in pieces of 4 KiB..1 MiB; fsyncs after the piece that crosses `syncAt`. */
async function writeFile(name: string, data: Buffer, sync: { mid: boolean; end: boolean }): Promise<void> {
  const file = path.join(args.dir, name);
  const handle = await fs.open(file, 'w');
  const syncAt = sync.mid ? randInt(rand, data.length) : Infinity;
  let synced = false;
  for (let at = 0; at < data.length; ) {
    const n = Math.min(data.length - at, 4096 + randInt(rand, 1024 * 1024));
    await handle.write(data, at, n, at);
    at += n;
    if (!synced && at >= syncAt) {
      await handle.sync();
      synced = true;
      emit({ synced: name, length: at });
    }
  }
  if (sync.end) {
    await handle.sync();
    emit({ synced: name, length: data.length });
  }
  await handle.close();
  emit({ closed: name, length: data.length });
}

async function main(): Promise<void> {
  await fs.mkdir(args.dir, { recursive: true });
  let held: fs.FileHandle | undefined;
  if (args.held) {
    const name = `${args.prefix}held`;
    const file = path.join(args.dir, name);
    held = await fs.open(file, 'w');
    await held.write(fileContent(name, args.held), 0, args.held, 0);
    await held.sync();
    const { ino } = await held.stat();
    await fs.unlink(file);
    emit({ held: name, ino, length: args.held });
  }
  for (let i = 0; i < args.files; i++) {
    const name = `${args.prefix}${i}`;
    const size = args.minSize + randInt(rand, args.maxSize - args.minSize + 1);
    await writeFile(name, fileContent(name, size), { mid: i % 3 === 0, end: i % 3 !== 2 });
  }
  emit({ done: true });
  // Keep the unlinked file open until the test ends us.
  if (held) setInterval(() => held, 60_000);
}

main().catch((err: NodeJS.ErrnoException) => {
  emit({ error: err.code ?? err.message });
  process.exit(1);
});
