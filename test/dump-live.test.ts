import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fsck } from '../src/meta/fsck/fsck.js';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { dumpVolume, loadVolume, Volume } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';

/** The content of a file the writer makes: its own name, so a reader can tell it is whole. */
const contentOf = (name: string) => Buffer.from(`${name}\n`.repeat(500));

/** A client that keeps creating, cloning, renaming and deleting files; `nextOp` resolves when one more has committed. */
class Writer {
  ops = 0;
  private stopped = false;
  private waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private failed: unknown;
  readonly done: Promise<void>;

  constructor(vol: Volume) {
    this.done = this.run(vol).catch((err) => {
      this.failed = err;
      for (const w of this.waiters.splice(0)) w.reject(err);
      throw err;
    });
  }
  private async run(vol: Volume) {
    const copies: string[] = [];
    for (let i = 0; !this.stopped; i++) {
      await vol.writeFile(`/live/f${i}`, contentOf(`f${i}`));
      if (i % 3 === 1) {
        copies.push(`/live/f${i - 1}.copy`);
        await vol.clone(`/live/f${i - 1}`, copies[copies.length - 1]!);
      }
      if (i % 4 === 2) await vol.rename(`/live/f${i - 2}`, `/live/moved-f${i - 2}`);
      if (i % 5 === 4 && copies.length) await vol.unlink(copies.shift()!);
      this.ops++;
      for (const w of this.waiters.splice(0)) w.resolve();
    }
  }
  nextOp(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
  async stop() {
    this.stopped = true;
    await this.done;
  }
}

describe('a dump taken while a client writes (docs/operations.md: what each engine gives)', () => {
  // The memory engine's snapshot holds its one queue, so writers wait for the dump: nothing to interleave.
  for (const engine of testEngines().filter((e) => e.name !== 'mem')) {
    it(`${engine.name}: ${engine.name === 'redis' ? 'reads page by page (consistency none), and loads' : 'is one snapshot: its load is fsck-clean and every file whole or not yet written'}`, async () => {
      await withEngineVolume(engine, async ({ vol, metaUrl, another }) => {
        await vol.mkdir('/live');
        for (let i = 0; i < 40; i++) await vol.writeFile(`/live/seed${i}`, contentOf(`seed${i}`));
        const writer = new Writer(await another());
        await writer.nextOp();
        // Each page of the dump waits for the writer to commit one more operation: the volume changes under the dump.
        let text = '';
        let pages = 0;
        const out = new Writable({
          highWaterMark: 1,
          write(chunk: Buffer, _enc, cb) {
            text += chunk.toString();
            pages++;
            writer.nextOp().then(() => cb(), cb);
          },
        });
        const before = writer.ops;
        let report;
        try {
          report = await dumpVolume(metaUrl, out);
        } finally {
          await writer.stop();
        }
        assert.ok(writer.ops - before >= pages && pages >= 5, `${writer.ops - before} operations committed during ${pages} pages of the dump`);
        assert.equal(JSON.parse(text.slice(0, text.indexOf('\n'))).consistency, engine.name === 'redis' ? 'none' : 'snapshot');
        assert.equal(report.consistency, engine.name === 'redis' ? 'none' : 'snapshot');

        const target = await engine.newUrl();
        try {
          await loadVolume(target, Readable.from([text]));
          if (engine.name === 'redis') return;
          const loaded = await Volume.open(target);
          try {
            assert.deepEqual((await fsck(loaded.meta.engine)).problems, []);
            for (const name of await loaded.readdir('/live')) {
              const original = name.replace(/^moved-/, '').replace(/\.copy$/, '');
              const data = await loaded.readFile(`/live/${name}`);
              // writeFile creates the file, then commits its data: the snapshot may fall between.
              assert.ok(data.length === 0 || data.equals(contentOf(original)), `/live/${name} is whole (or not yet written)`);
            }
          } finally {
            await loaded.close();
          }
        } finally {
          await engine.cleanup(target);
        }
      });
    });
  }
});
