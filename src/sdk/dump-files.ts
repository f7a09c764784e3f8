import { once } from 'node:events';
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/** A dump being written: `write` waits when the stream is full (backpressure); `commit` ends it. */
export interface DumpOutput {
  write(text: string): Promise<void>;
  /** Ends the stream; a file's `.partial` name becomes its own only now. */
  commit(): Promise<void>;
  /** Removes a file that was not committed. */
  abandon(): Promise<void>;
}

/**
 * A dump's destination: a stream (stdout) as it is, or a file named `file` (gzip when it ends in
 * `.gz`), written as `file.partial` and renamed when complete, so a dump cut short never takes the name.
 */
export function openDumpOutput(target: string | NodeJS.WritableStream): DumpOutput {
  if (typeof target !== 'string') {
    return {
      async write(text) {
        if (!target.write(text)) await once(target, 'drain');
      },
      async commit() {},
      async abandon() {},
    };
  }
  const partial = `${target}.partial`;
  const file = createWriteStream(partial);
  const gzip = target.endsWith('.gz') ? createGzip() : undefined;
  const head: NodeJS.WritableStream & { destroy(): void } = gzip ?? file;
  const done = gzip ? pipeline(gzip, file) : finished(file);
  done.catch(() => {}); // awaited in commit; an early failure also rejects the pending write
  return {
    async write(text) {
      if (!head.write(text)) await Promise.race([once(head, 'drain'), done]);
    },
    async commit() {
      head.end();
      await done;
      renameSync(partial, target);
    },
    async abandon() {
      head.destroy();
      await done.catch(() => {});
      rmSync(partial, { force: true });
    },
  };
}

/** The lines of a dump: a stream (stdin) or a file, gunzipped when its name ends in `.gz`. */
export function openDumpInput(source: string | NodeJS.ReadableStream): { lines: AsyncIterator<string>; close(): void } {
  let input: NodeJS.ReadableStream;
  if (typeof source !== 'string') input = source;
  else {
    const file = createReadStream(source);
    input = source.endsWith('.gz') ? file.pipe(createGunzip()) : file;
    if (input !== file) file.on('error', (err) => (input as NodeJS.ReadableStream & { destroy(e: Error): void }).destroy(err));
  }
  const rl = createInterface({ input, crlfDelay: Infinity });
  return { lines: rl[Symbol.asyncIterator](), close: () => rl.close() };
}
