import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CHUNK_SIZE } from '../src/meta/types.js';
import type { VolumeFileHandle } from '../src/sdk/index.js';
import { randInt, randomBytes, seededRandom } from './support/random.js';
import { withVolume } from './support/temp-volume.js';

const BLOCK = 64 * 1024;
/** Offsets where bugs live: block and chunk boundaries. */
const HOT = [0, BLOCK, 3 * BLOCK, CHUNK_SIZE - BLOCK, CHUNK_SIZE, CHUNK_SIZE + 5 * BLOCK, 2 * CHUNK_SIZE - 1000];

/** Every object file's hash, keyed by its path under the store. */
function objectHashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

/**
 * A file's expected content: grows and shrinks like the real one. Its buffer grows by doubling
 * (the file reaches 2 chunks, and copying it whole at every step was most of this test's time);
 * bytes past the length are kept zero, so growing again shows a hole.
 */
class Model {
  private buf = Buffer.alloc(0);
  private length = 0;
  get data(): Buffer {
    return this.buf.subarray(0, this.length);
  }
  write(offset: number, bytes: Buffer) {
    if (offset + bytes.length > this.length) this.resize(offset + bytes.length);
    bytes.copy(this.buf, offset);
  }
  resize(length: number) {
    if (length > this.buf.length) {
      const next = Buffer.alloc(Math.max(length, 2 * this.buf.length));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    } else if (length < this.length) {
      this.buf.fill(0, length, this.length);
    }
    this.length = length;
  }
}

for (const seed of [1, 2, 3]) {
  test(`random writes, truncates and reopens read back exactly (seed ${seed})`, async () => {
    await withVolume(
      async (vol, tv) => {
        const rand = seededRandom(seed);
        const model = new Model();
        let handle: VolumeFileHandle = await vol.open('/f', 'w+');
        const seen = new Map<string, string>();
        const checkImmutable = () => {
          for (const [key, hash] of objectHashes(tv.storageDir)) {
            if (seen.has(key)) assert.equal(seen.get(key), hash, `object ${key} changed after it was written`);
            seen.set(key, hash);
          }
        };
        const steps: string[] = [];
        for (let op = 0; op < 220; op++) {
          const r = rand();
          const at = Math.max(0, HOT[randInt(rand, HOT.length)]! + randInt(rand, 2 * BLOCK) - BLOCK);
          if (r < 0.55) {
            const bytes = randomBytes(rand, 1 + randInt(rand, rand() < 0.2 ? 3 * BLOCK : 2000));
            steps.push(`write ${at} ${bytes.length}`);
            await handle.write(bytes, 0, bytes.length, at);
            model.write(at, bytes);
          } else if (r < 0.65) {
            steps.push(`truncate ${at}`);
            await handle.truncate(at);
            model.resize(at);
          } else if (r < 0.75) {
            steps.push('reopen');
            await handle.close();
            handle = await vol.open('/f', 'r+');
            checkImmutable();
          } else {
            const len = randInt(rand, 4 * BLOCK);
            steps.push(`read ${at} ${len}`);
            const buf = Buffer.alloc(len);
            const { bytesRead } = await handle.read(buf, 0, len, at);
            const expected = model.data.subarray(Math.min(at, model.data.length), Math.min(at + len, model.data.length));
            assert.equal(bytesRead, expected.length, `seed ${seed}: ${steps.slice(-5).join('; ')}`);
            assert.ok(buf.subarray(0, bytesRead).equals(expected), `seed ${seed} step ${op}: ${steps.slice(-5).join('; ')}`);
          }
        }
        await handle.close();
        assert.equal((await vol.stat('/f')).size, model.data.length);
        const whole = await vol.readFile('/f');
        assert.ok(whole.equals(model.data), `seed ${seed}: whole file differs`);
        await vol.settle();
        checkImmutable();
        const usage = await vol.statfs();
        assert.equal(usage.usedBytes, model.data.length);
        assert.equal(usage.inodes, 2);
      },
      { blockSize: BLOCK },
    );
  });
}
