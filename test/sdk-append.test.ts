// O_APPEND through the SDK (issue 11 item 2): appends from any number of handles of one client
// all land whole, each exactly once, whatever the interleaving of writes and commits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withVolume } from './support/temp-volume.js';

const LINE = 24;
const line = (h: number, i: number) => `handle ${h} line ${String(i).padStart(5, '0')}`.padEnd(LINE - 1, '.') + '\n';

/** The lines of `text`, checked whole; sorted, so a comparison ignores the order they landed in. */
function wholeLines(text: string): string[] {
  assert.equal(text.length % LINE, 0, `${text.length} bytes is not a whole number of lines`);
  const lines = text.match(new RegExp(`[^]{${LINE}}`, 'g')) ?? [];
  for (const l of lines) assert.match(l, /^handle \d line \d{5}\.*\n$/, `a torn line: ${JSON.stringify(l)}`);
  return lines.sort();
}

const expected = (handles: number, lines: number) => Array.from({ length: handles }, (_, h) => Array.from({ length: lines }, (_, i) => line(h, i))).flat().sort();

describe('SDK: O_APPEND', () => {
  it("two 'a' handles given 50 concurrent writes each keep all 100 lines, each once", async () => {
    await withVolume(async (vol) => {
      const handles = [await vol.open('/log', 'a'), await vol.open('/log', 'a')];
      await Promise.all(handles.flatMap((h, n) => Array.from({ length: 50 }, (_, i) => h.write(line(n, i)))));
      for (const h of handles) await h.close();
      assert.deepEqual(wholeLines(await vol.readFile('/log', 'utf8')), expected(2, 50));
    });
  });

  it('two handles appending in turn, committing between, keep every line in order', async () => {
    await withVolume(async (vol) => {
      const handles = [await vol.open('/log', 'a'), await vol.open('/log', 'a+')];
      const order: string[] = [];
      for (let i = 0; i < 25; i++) {
        for (const [n, h] of handles.entries()) {
          await h.write(line(n, i));
          order.push(line(n, i));
          if (i % 3 === n) await h.sync();
        }
      }
      // An 'a+' handle reads at the end after appending (its position is the end of the file).
      const { bytesRead } = await handles[1]!.read(Buffer.alloc(10));
      assert.equal(bytesRead, 0);
      for (const h of handles) await h.close();
      assert.equal(await vol.readFile('/log', 'utf8'), order.join(''));
    });
  });

  it('appends and positional writes through one client keep their order', async () => {
    await withVolume(async (vol) => {
      await vol.writeFile('/f', 'abcdef');
      const positional = await vol.open('/f', 'r+');
      const append = await vol.open('/f', 'a');
      await append.write('GH');
      await positional.write('xy', 7);
      await append.write('IJ');
      await positional.write('zz', 0);
      assert.equal((await append.stat()).size, 11, 'the buffered length counts the appends');
      await positional.close();
      await append.close();
      // 'GH' at 6, 'xy' at 7 over its second byte, 'IJ' at the end (9), 'zz' at 0.
      assert.equal(await vol.readFile('/f', 'utf8'), 'zzcdefGxyIJ');
    });
  });

  it('an append larger than a chunk boundary crossing lands whole', async () => {
    await withVolume(
      async (vol) => {
        const CHUNK = 64 * 1024 * 1024;
        await vol.writeFile('/big', '');
        await vol.truncate('/big', CHUNK - 100);
        const h = await vol.open('/big', 'a');
        const data = Buffer.alloc(300, 7);
        await h.write(data);
        await h.close();
        const r = await vol.open('/big', 'r');
        const { buffer } = await r.read(Buffer.alloc(300), 0, 300, CHUNK - 100);
        await r.close();
        assert.deepEqual(buffer, data);
        assert.equal((await vol.stat('/big')).size, CHUNK + 200);
      },
      { blockSize: '64K' },
    );
  });
});
