import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPCODES } from './abi/opcodes.js';
import { LATENCY_BOUNDS, OpStats } from './op-stats.js';

describe('OpStats', () => {
  it('counts requests, errors and time per opcode, by name', () => {
    const s = new OpStats();
    s.record(OPCODES.FUSE_LOOKUP, 0.05, 0);
    s.record(OPCODES.FUSE_LOOKUP, 0.15, 2);
    s.record(OPCODES.FUSE_WRITE, 3, 0);
    s.record(4242, 1, 38);
    const snap = s.snapshot();
    assert.deepEqual(Object.keys(snap).sort(), ['LOOKUP', 'OTHER', 'WRITE']);
    assert.equal(snap.LOOKUP!.count, 2);
    assert.equal(snap.LOOKUP!.errors, 1);
    assert.ok(Math.abs(snap.LOOKUP!.seconds - 0.0002) < 1e-12);
    assert.equal(snap.OTHER!.errors, 1);
  });

  it('puts each latency in the first bucket whose bound holds it', () => {
    const s = new OpStats();
    const cases: Array<[ms: number, bucket: number]> = [
      [0, 0],
      [0.001, 0], // 1 µs ≤ 7.6 µs
      [0.02, LATENCY_BOUNDS.findIndex((b) => b >= 0.00002)],
      [1, LATENCY_BOUNDS.findIndex((b) => b >= 0.001)],
      [16_000, LATENCY_BOUNDS.length - 1], // exactly the last bound
      [60_000, LATENCY_BOUNDS.length], // past every bound
    ];
    for (const [ms] of cases) s.record(OPCODES.FUSE_GETATTR, ms, 0);
    const { buckets, count } = s.snapshot().GETATTR!;
    assert.equal(count, cases.length);
    const expected = new Array(LATENCY_BOUNDS.length + 1).fill(0);
    for (const [, b] of cases) expected[b]++;
    assert.deepEqual(buckets, expected);
  });
});
