import { LATENCY_BOUNDS } from '../sdk/metrics-endpoint.js';
import { opcodeName } from './abi/opcodes.js';

export { LATENCY_BOUNDS };

/** Opcodes below this get their own row; the rest (CUSE, future ones) share the last. */
const ROWS = 64;
/** Latency buckets, shared with every slicefs histogram (see LATENCY_BOUNDS). */
const FIRST_EXPONENT = Math.log2(LATENCY_BOUNDS[0]!);
const LAST_EXPONENT = Math.log2(LATENCY_BOUNDS[LATENCY_BOUNDS.length - 1]!);
const BUCKETS = LATENCY_BOUNDS.length + 1;

/** One opcode's totals in a snapshot. */
export interface OpTotals {
  /** Requests answered (or handled, for FORGET). */
  count: number;
  /** Requests answered with an errno (ENOENT of a negative lookup counts). */
  errors: number;
  /** Seconds spent in the mount on them, from decode to reply. */
  seconds: number;
  /** Requests per latency bucket (not cumulative): bucket i holds latencies ≤ LATENCY_BOUNDS[i], the last one the rest. */
  buckets: number[];
}

/**
 * Per-opcode request statistics of one mount: counts, errors and a latency histogram. Recording
 * is a few array writes (no allocation), so it stays on for every request.
 */
export class OpStats {
  private readonly counts = new Float64Array(ROWS);
  private readonly errors = new Float64Array(ROWS);
  private readonly seconds = new Float64Array(ROWS);
  private readonly histogram = new Float64Array(ROWS * BUCKETS);

  /** Counts one request of `opcode` that took `ms` milliseconds and failed when `errno` ≠ 0. */
  record(opcode: number, ms: number, errno: number): void {
    const row = opcode >= 0 && opcode < ROWS - 1 ? opcode : ROWS - 1;
    this.counts[row]!++;
    if (errno !== 0) this.errors[row]!++;
    const s = ms / 1000;
    this.seconds[row]! += s;
    const e = s > 0 ? Math.ceil(Math.log2(s)) : FIRST_EXPONENT;
    const bucket = e <= FIRST_EXPONENT ? 0 : e > LAST_EXPONENT ? BUCKETS - 1 : e - FIRST_EXPONENT;
    this.histogram[row * BUCKETS + bucket]!++;
  }

  /** Every opcode seen so far, by name (`LOOKUP`, `WRITE`, …; `OTHER` for the shared row). */
  snapshot(): Record<string, OpTotals> {
    const out: Record<string, OpTotals> = {};
    for (let row = 0; row < ROWS; row++) {
      if (this.counts[row] === 0) continue;
      const name = row === ROWS - 1 ? 'OTHER' : opcodeName(row);
      out[name] = {
        count: this.counts[row]!,
        errors: this.errors[row]!,
        seconds: this.seconds[row]!,
        buckets: Array.from(this.histogram.subarray(row * BUCKETS, (row + 1) * BUCKETS)),
      };
    }
    return out;
  }
}
