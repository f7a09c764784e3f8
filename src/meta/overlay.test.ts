import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOverlay, type Segment } from './overlay.js';
import type { SliceId, SliceRecord } from './types.js';

/** A tiny deterministic generator, so a failing seed can be replayed. */
function generator(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** What each byte of a chunk shows, byte by byte: `id:offset-in-slice`, or undefined where nothing was written. */
function byteModel(records: readonly SliceRecord[], size: number): (string | undefined)[] {
  const bytes: (string | undefined)[] = new Array(size).fill(undefined);
  for (const r of records) for (let i = 0; i < r.len; i++) bytes[r.pos + i] = r.id === 0 ? '0' : `${r.id}:${r.off + i}`;
  return bytes;
}

function segmentBytes(segments: readonly Segment[], size: number): (string | undefined)[] {
  const bytes: (string | undefined)[] = new Array(size).fill(undefined);
  for (const s of segments) for (let i = 0; i < s.len; i++) bytes[s.pos + i] = s.id === 0 ? '0' : `${s.id}:${s.off + i}`;
  return bytes;
}

const record = (pos: number, id: number, len: number, off = 0): SliceRecord => ({ pos, id: id as SliceId, size: off + len, off, len });

describe('resolveOverlay', () => {
  it('later records cover earlier ones; the uncovered parts keep their slice offsets', () => {
    const segments = resolveOverlay([record(0, 1, 100), record(40, 2, 20)]);
    assert.deepEqual(segments, [
      { pos: 0, len: 40, id: 1, size: 100, off: 0 },
      { pos: 40, len: 20, id: 2, size: 20, off: 0 },
      { pos: 60, len: 40, id: 1, size: 100, off: 60 },
    ]);
  });

  it('a hole record (id 0) shows zeros over what was there; gaps are absent', () => {
    const segments = resolveOverlay([record(10, 1, 10), record(12, 0, 3)]);
    assert.deepEqual(
      segments.map((s) => [s.pos, s.len, s.id]),
      [[10, 2, 1], [12, 3, 0], [15, 5, 1]],
    );
  });

  it('a record covering everything before it leaves only itself', () => {
    assert.deepEqual(resolveOverlay([record(5, 1, 5), record(20, 2, 5), record(0, 3, 50)]), [{ pos: 0, len: 50, id: 3, size: 50, off: 0 }]);
  });

  it('matches a byte-by-byte model on random overlays, sorted and without overlaps (1,000 seeds)', () => {
    const SIZE = 256;
    for (let seed = 1; seed <= 1000; seed++) {
      const rnd = generator(seed);
      const records: SliceRecord[] = [];
      for (let i = 0, count = 1 + rnd(12); i < count; i++) {
        const pos = rnd(SIZE - 1);
        const len = 1 + rnd(SIZE - pos);
        records.push(record(pos, rnd(4) === 0 ? 0 : i + 1, len, rnd(64)));
      }
      const segments = resolveOverlay(records);
      assert.deepEqual(segmentBytes(segments, SIZE), byteModel(records, SIZE), `seed ${seed}: ${JSON.stringify(records)}`);
      for (let i = 0; i < segments.length; i++) {
        assert.ok(segments[i]!.len > 0, `seed ${seed}: empty segment`);
        if (i) assert.ok(segments[i - 1]!.pos + segments[i - 1]!.len <= segments[i]!.pos, `seed ${seed}: overlap or disorder`);
      }
    }
  });
});
