import assert from 'node:assert/strict';
import { CHUNK_SIZE } from '../../../src/meta/types.js';
import type { Volume } from '../../../src/sdk/index.js';
import { countObjects } from '../../support/tree.js';
import { randInt, seededRandom } from '../../support/random.js';
import { assertFsckClean, assertStoreExact, describeError, eventually } from '../checks.js';
import { sha256, writerBytes, writerOf } from '../patterns.js';
import { scaled } from '../scale.js';
import { defineScenario, type WorkerSide } from '../scenario.js';

const DISJOINT = '/disjoint';
const OVERLAP = '/overlap';

/** Writes `[offset, offset + length)` through one handle: this writer's pattern, in `piece`-sized writes, committing every `syncEvery`. */
async function writeRanges(vol: Volume, w: number, spec: { path: string; ranges: Array<[number, number]>; syncEvery: number }): Promise<number> {
  const h = await vol.open(spec.path, 'r+');
  try {
    for (const [i, [offset, length]] of spec.ranges.entries()) {
      const bytes = writerBytes(w, offset, length);
      await h.write(bytes, 0, bytes.length, offset);
      if ((i + 1) % spec.syncEvery === 0) await h.sync();
    }
  } finally {
    await h.close();
  }
  return spec.ranges.length;
}

interface Layout {
  /** Where the disjoint regions start: writer i owns [base + i*region, base + (i+1)*region). */
  base: number;
  region: number;
  piece: number;
  /** Length of the overlap file; every writer first covers all of it, then overwrites random ranges. */
  overlapLength: number;
  overwrites: number;
}

const actions = {
  /** This writer's disjoint region (in shuffled pieces) and its overwrites of the shared range, both files at once. */
  async write(w: WorkerSide, layout: Layout) {
    const vol = w.volume();
    const rand = seededRandom(7000 + w.index);
    const start = layout.base + w.index * layout.region;
    const pieces: Array<[number, number]> = [];
    for (let at = 0; at < layout.region; at += layout.piece) pieces.push([start + at, Math.min(layout.piece, layout.region - at)]);
    for (let i = pieces.length - 1; i > 0; i--) {
      const j = randInt(rand, i + 1);
      [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
    }
    const overwrites: Array<[number, number]> = [[0, layout.overlapLength]];
    for (let i = 0; i < layout.overwrites; i++) {
      const length = 1 + randInt(rand, 20_000);
      overwrites.push([randInt(rand, layout.overlapLength - length + 1), length]);
    }
    const errors: string[] = [];
    await Promise.all([
      writeRanges(vol, w.index, { path: DISJOINT, ranges: pieces, syncEvery: 3 }).catch((err) => errors.push(describeError(DISJOINT, err))),
      writeRanges(vol, w.index, { path: OVERLAP, ranges: overwrites, syncEvery: 2 }).catch((err) => errors.push(describeError(OVERLAP, err))),
    ]);
    return { errors };
  },

  /** Digests of byte ranges as this client reads them. */
  async digest(w: WorkerSide, ranges: Array<{ path: string; offset: number; length: number }>) {
    const vol = w.volume();
    const out: string[] = [];
    for (const r of ranges) {
      const h = await vol.open(r.path, 'r');
      try {
        const buf = Buffer.alloc(r.length);
        const { bytesRead } = await h.read(buf, 0, r.length, r.offset);
        out.push(`${bytesRead} ${sha256(buf)}`);
      } finally {
        await h.close();
      }
    }
    return out;
  },
};

export const writesToOneFile = defineScenario({
  name: 'writes',
  title: 'writes to one file: disjoint regions all land, overlapping bytes each come from one writer, lengths exact',
  clients: 4,
  actions,
  async run({ vol, storageDir, clients, scale }) {
    const region = scaled(100_000, scale);
    // Writer 2's region straddles the end of chunk 0.
    const layout: Layout = { base: CHUNK_SIZE - 2 * region - region / 2, region, piece: 7_000, overlapLength: scaled(300_000, scale), overwrites: scaled(40, scale) };
    const n = clients.length;
    const disjointEnd = layout.base + n * region;
    await vol.writeFile(DISJOINT, '');
    await vol.writeFile(OVERLAP, '');
    const objectsBefore = countObjects(storageDir);
    const before = await vol.statfs();

    const results = await Promise.all(clients.map((c) => c.run('write', layout)));
    assert.deepEqual(results.map((r) => r.errors), clients.map(() => []), 'every write and close succeeded');

    assert.equal((await vol.stat(DISJOINT)).size, disjointEnd, 'disjoint file: length is the end of the last region');
    const h = await vol.open(DISJOINT, 'r');
    let regions: Buffer;
    try {
      const lead = 4096;
      const { buffer, bytesRead } = await h.read(Buffer.alloc(lead + n * region), 0, lead + n * region, layout.base - lead);
      assert.equal(bytesRead, lead + n * region);
      assert.ok(buffer.subarray(0, lead).every((b) => b === 0), 'the hole before the regions reads as zeros');
      regions = buffer.subarray(lead);
      for (let i = 0; i < n; i++) {
        const got = regions.subarray(i * region, (i + 1) * region);
        const want = writerBytes(i, layout.base + i * region, region);
        const bad = got.findIndex((b, j) => b !== want[j]);
        assert.equal(bad, -1, `region of writer ${i}: byte ${bad} (offset ${layout.base + i * region + bad}) is ${got[bad]}, written as ${want[bad]}`);
      }
    } finally {
      await h.close();
    }

    const overlap = await vol.readFile(OVERLAP);
    assert.equal(overlap.length, layout.overlapLength, 'overlap file: length exact');
    const owners = new Array<number>(n).fill(0);
    for (let pos = 0; pos < overlap.length; pos++) {
      const w = writerOf(pos, overlap[pos]!);
      if (w < 0 || w >= n) assert.fail(`overlap file: byte at ${pos} is ${overlap[pos]}, which no writer wrote there`);
      owners[w]!++;
    }

    const ranges = [
      { path: DISJOINT, offset: layout.base, length: n * region },
      { path: OVERLAP, offset: 0, length: layout.overlapLength },
    ];
    const mine = [`${n * region} ${sha256(regions)}`, `${overlap.length} ${sha256(overlap)}`];
    for (const c of clients) assert.deepEqual(await c.run('digest', ranges), mine, `client ${c.index} reads the same bytes (close-to-open)`);

    assert.deepEqual(await vol.statfs(), { inodes: before.inodes, usedBytes: before.usedBytes + disjointEnd + layout.overlapLength }, 'counters exact');
    await assertFsckClean(vol, 'after the writes');
    await assertStoreExact(vol, storageDir, 'after the writes');
    await vol.unlink(DISJOINT);
    await vol.unlink(OVERLAP);
    await eventually(async () => {
      await vol.settle();
      assert.equal(countObjects(storageDir), objectsBefore, 'deleting both files frees every object the writers and compactions made');
    });
    assert.deepEqual(await vol.statfs(), { inodes: before.inodes - 2, usedBytes: before.usedBytes });
  },
});
