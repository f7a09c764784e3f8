// vol.watch and vol.fs.watch (issue 14 item 4): changes made by another client of the volume
// (its own connections: another Volume) reach a watcher through the engine's change feed, on
// every engine. Each test waits for a last "end" event written after the changes it checks, so
// nothing here waits on time; the latency is printed (docs/sdk.md), never asserted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import type { Volume, VolumeChangeInfo } from '../src/sdk/index.js';
import { withEngineVolume } from './support/engine-volume.js';

type Event = `${'rename' | 'change'} ${string}`;
const shown = (e: VolumeChangeInfo<string | Buffer>): Event => `${e.eventType} ${e.filename === null ? '(null)' : e.filename.toString()}`;

/** Events of `iterator` up to and including `last`. */
async function eventsUntil(iterator: AsyncIterator<VolumeChangeInfo<string | Buffer>>, last: Event): Promise<Event[]> {
  const seen: Event[] = [];
  for (;;) {
    const { value, done } = await iterator.next();
    assert.ok(!done, `the watch ended before "${last}"; saw ${seen.join(', ')}`);
    seen.push(shown(value));
    if (seen[seen.length - 1] === last) return seen;
  }
}

/** True when `expected` appears in `seen` in this order (other events may come between). */
function assertInOrder(seen: Event[], expected: Event[]): void {
  let at = 0;
  for (const e of seen) if (e === expected[at]) at++;
  assert.equal(at, expected.length, `expected, in order: ${expected.join(', ')}\nsaw: ${seen.join(', ')}`);
}

async function twoClients(engine: (typeof ENGINES)[number], fn: (writer: Volume, watcher: Volume) => Promise<void>): Promise<void> {
  await withEngineVolume(engine, async ({ vol, another }) => fn(vol, await another()));
}

const ENGINES = testEngines();

describe('watch: changes from another client', () => {
  for (const engine of ENGINES) {
    describe(`[${engine.name}]`, () => {
      it('a directory watch sees creates, writes, renames and unlinks by another client, in order', async () => {
        await twoClients(engine, async (writer, watcher) => {
          await writer.mkdir('/d');
          const w = watcher.watch('/d');
          await w.ready;
          await writer.writeFile('/d/a', 'hello');
          await writer.rename('/d/a', '/d/b');
          await writer.unlink('/d/b');
          await writer.mkdir('/d/sub');
          await writer.writeFile('/d/sub/deep', 'not reported without recursive');
          await writer.writeFile('/elsewhere', 'not reported');
          await writer.writeFile('/d/end', '');
          const seen = await eventsUntil(w, 'rename end');
          await w.return!();
          assertInOrder(seen, ['rename a', 'change a', 'rename a', 'rename b', 'rename b', 'rename sub', 'rename end']);
          assert.ok(!seen.some((e) => e.includes('deep') || e.includes('elsewhere')), `outside the directory: ${seen.join(', ')}`);
        });
      });

      it('a recursive watch names entries below it by their relative path', async () => {
        await twoClients(engine, async (writer, watcher) => {
          await writer.mkdir('/d/sub', { recursive: true });
          const w = watcher.watch('/d', { recursive: true });
          await w.ready;
          await writer.writeFile('/d/sub/f', 'x');
          await writer.mkdir('/d/sub/two');
          await writer.writeFile('/d/sub/two/g', 'y');
          await writer.chmod('/d/sub/f', 0o600);
          await writer.writeFile('/d/end', '');
          const seen = await eventsUntil(w, 'rename end');
          await w.return!();
          assertInOrder(seen, ['rename sub/f', 'rename sub/two', 'rename sub/two/g', 'change sub/two/g', 'change sub/f', 'rename end']);
        });
      });

      it('a file watch sees its writes and its removal; Buffer names with encoding "buffer"', async () => {
        await twoClients(engine, async (writer, watcher) => {
          await writer.mkdir('/d');
          await writer.writeFile('/d/f', 'one');
          await writer.writeFile('/d/other', 'one');
          const w = watcher.watch('/d/f', { encoding: 'buffer' });
          await w.ready;
          await writer.writeFile('/d/other', 'not this file');
          await writer.appendFile('/d/f', 'two');
          await writer.unlink('/d/f');
          const first = await w.next();
          assert.ok(Buffer.isBuffer(first.value?.filename), 'encoding "buffer" gives Buffers');
          const seen = [shown(first.value!), ...(await eventsUntil(w, 'rename f'))];
          await w.return!();
          assert.deepEqual([...new Set(seen)], ['change f', 'rename f']);
        });
      });

      it('vol.fs.watch: the callback FSWatcher shape, closed with close()', async () => {
        await twoClients(engine, async (writer, watcher) => {
          await writer.mkdir('/d');
          const seen: Event[] = [];
          let resolveEnd!: () => void;
          const ended = new Promise<void>((r) => (resolveEnd = r));
          const fsw = watcher.fs.watch('/d', (type, name) => {
            seen.push(`${type} ${String(name)}` as Event);
            if (name === 'end') resolveEnd();
          });
          await fsw.ready;
          await writer.writeFile('/d/x', '1');
          await writer.writeFile('/d/end', '');
          await ended;
          const closed = new Promise((r) => fsw.once('close', r));
          fsw.close();
          await closed;
          assertInOrder(seen, ['rename x', 'change x', 'rename end']);
        });
      });

      it('an AbortSignal ends the iteration with an AbortError; a missing path is ENOENT (syscall watch)', async () => {
        await twoClients(engine, async (writer, watcher) => {
          await writer.mkdir('/d');
          const ac = new AbortController();
          const w = watcher.watch('/d', { signal: ac.signal });
          await w.ready;
          const pending = w.next();
          ac.abort();
          await assert.rejects(pending, { name: 'AbortError', code: 'ABORT_ERR' });
          await assert.rejects(watcher.watch('/missing').next(), { code: 'ENOENT', syscall: 'watch', path: '/missing' });
        });
      });

      it('closing the watching volume ends its watches (the iteration finishes, the FSWatcher emits close)', async () => {
        await twoClients(engine, async (_writer, watcher) => {
          const w = watcher.watch('/');
          const fsw = watcher.fs.watch('/');
          await Promise.all([w.ready, fsw.ready]);
          const pending = w.next();
          const closed = new Promise((r) => fsw.once('close', r));
          await watcher.close();
          assert.deepEqual(await pending, { value: undefined, done: true });
          await closed;
        });
      });

      it('latency from a committed write to the event (printed, not asserted)', async (t) => {
        await twoClients(engine, async (writer, watcher) => {
          await writer.mkdir('/d');
          const w = watcher.watch('/d');
          await w.ready;
          // From the call of a one-transaction change (mkdir) to its event, beside the call itself.
          const call: number[] = [];
          const seen: number[] = [];
          const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
          for (let i = 0; i < 20; i++) {
            const t0 = process.hrtime.bigint();
            await writer.mkdir(`/d/m${i}`);
            call.push(since(t0));
            await eventsUntil(w, `rename m${i}`);
            seen.push(since(t0));
          }
          await w.return!();
          const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[10]!.toFixed(1);
          t.diagnostic(`watch latency ${engine.name}: mkdir to event median ${median(seen)} ms, max ${Math.max(...seen).toFixed(1)} ms; the mkdir call alone median ${median(call)} ms (20 runs)`);
        });
      });
    });
  }
});
