import { randInt, seededRandom } from '../support/random.js';

/**
 * One exerciser operation, fully concrete (offsets, lengths, data seed), so that a list of them
 * replays the same way on any pair of directories and any prefix or subset of it is still a
 * valid run. Files are named by index (f0, f1, …) and are always open, O_RDWR.
 */
export type Operation =
  | { kind: 'write'; file: number; offset: number; length: number; data: number /* seed; 0 = zeros */ }
  | { kind: 'read'; file: number; offset: number; length: number }
  | { kind: 'truncate'; file: number; size: number; via: 'fd' | 'path' }
  | { kind: 'fallocate'; file: number; offset: number; length: number; keepSize: boolean }
  | { kind: 'punch'; file: number; offset: number; length: number }
  | { kind: 'zero'; file: number; offset: number; length: number; keepSize: boolean }
  | { kind: 'copy'; from: number; to: number; fromOffset: number; toOffset: number; length: number }
  | { kind: 'clone'; from: number; to: number }
  | { kind: 'rename'; from: number; to: number }
  | { kind: 'reopen'; file: number; append: boolean }
  | { kind: 'fsync'; file: number };

export type OperationKind = Operation['kind'];

/** How often each kind is drawn (relative weights). */
export const MIX: Readonly<Record<OperationKind, number>> = {
  write: 26, read: 12, truncate: 8, fallocate: 8, punch: 8, zero: 3, copy: 10, clone: 2, rename: 4, reopen: 5, fsync: 4,
};

export interface GenerateOptions {
  seed: number;
  count: number;
  files: number;
  /** No operation reaches past this offset. */
  maxSize: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Offsets where layers split a file: 4 KiB pages, 4 MiB blocks, 64 MiB chunks. */
const BOUNDARIES = [4 * KiB, 64 * KiB, 4 * MiB, 8 * MiB, 64 * MiB, 128 * MiB];

/**
 * The operation list of a seed. Parameters are drawn against a model of each file's size (so
 * most ranges touch data), but correctness never depends on the model: both sides run the
 * same list and are compared. Operation i depends only on the seed and operations before it,
 * so the first N of any longer list are the list of N.
 */
export function generate(options: GenerateOptions): Operation[] {
  const rand = seededRandom(options.seed);
  const sizes = new Array<number>(options.files).fill(0);
  const appending = new Array<boolean>(options.files).fill(false);
  const kinds = Object.entries(MIX) as [OperationKind, number][];
  const total = kinds.reduce((s, [, w]) => s + w, 0);
  const pickKind = (): OperationKind => {
    let x = rand() * total;
    for (const [k, w] of kinds) if ((x -= w) < 0) return k;
    return 'write';
  };
  const file = () => randInt(rand, options.files);
  const length = () => {
    const r = rand();
    if (r < 0.55) return 1 + randInt(rand, 4 * KiB);
    if (r < 0.85) return 1 + randInt(rand, 128 * KiB);
    if (r < 0.97) return 1 + randInt(rand, MiB);
    return 1 + randInt(rand, 3 * MiB);
  };
  const offset = (size: number) => {
    const r = rand();
    if (r < 0.65) return randInt(rand, size + 1);
    if (r < 0.85) return size + randInt(rand, 256 * KiB); // past the end: a hole
    const near = BOUNDARIES.filter((b) => b < options.maxSize);
    const b = near[randInt(rand, near.length)] ?? 0;
    return Math.max(0, b - 64 * KiB + randInt(rand, 128 * KiB));
  };
  /** An offset and length inside [0, maxSize). */
  const range = (size: number) => {
    const off = Math.min(offset(size), options.maxSize - 1);
    return { offset: off, length: Math.max(1, Math.min(length(), options.maxSize - off)) };
  };

  const out: Operation[] = [];
  while (out.length < options.count) {
    const kind = pickKind();
    const f = file();
    const size = sizes[f]!;
    switch (kind) {
      case 'write': {
        const r = range(size);
        out.push({ kind, file: f, ...r, data: rand() < 0.08 ? 0 : 1 + randInt(rand, 2 ** 31) });
        sizes[f] = appending[f] ? size + r.length : Math.max(size, r.offset + r.length);
        break;
      }
      case 'read':
        out.push({ kind, file: f, ...range(size) });
        break;
      case 'truncate': {
        const r = rand();
        const to = r < 0.15 ? 0 : r < 0.6 ? randInt(rand, size + 1) : Math.min(options.maxSize, size + randInt(rand, 2 * MiB));
        out.push({ kind, file: f, size: to, via: rand() < 0.5 ? 'fd' : 'path' });
        sizes[f] = to;
        break;
      }
      case 'fallocate':
      case 'zero': {
        const r = range(size);
        const keepSize = rand() < 0.5;
        out.push({ kind, file: f, ...r, keepSize });
        if (!keepSize) sizes[f] = Math.max(size, r.offset + r.length);
        break;
      }
      case 'punch':
        out.push({ kind, file: f, ...range(size) });
        break;
      case 'copy': {
        const to = file();
        const fromOffset = randInt(rand, size + 1);
        const want = Math.min(length(), Math.max(1, size - fromOffset));
        let toOffset = Math.min(offset(sizes[to]!), options.maxSize - want);
        // Overlapping ranges in one file are EINVAL: move the destination after the source.
        if (to === f && toOffset < fromOffset + want && fromOffset < toOffset + want) toOffset = fromOffset + want;
        if (toOffset < 0 || toOffset + want > options.maxSize) break;
        out.push({ kind, from: f, to, fromOffset, toOffset, length: want });
        const copied = Math.max(0, Math.min(want, size - fromOffset));
        if (copied > 0) sizes[to] = Math.max(sizes[to]!, toOffset + copied);
        break;
      }
      case 'clone':
      case 'rename': {
        const to = file();
        if (to === f) break;
        out.push({ kind, from: f, to });
        sizes[to] = size;
        if (kind === 'rename') {
          sizes[f] = 0;
          appending[to] = appending[f]!;
          appending[f] = false;
        }
        break;
      }
      case 'reopen': {
        const append = rand() < 0.2;
        out.push({ kind, file: f, append });
        appending[f] = append;
        break;
      }
      case 'fsync':
        out.push({ kind, file: f });
        break;
    }
  }
  return out;
}

/** One line for logs and reproductions. */
export function describeOperation(op: Operation): string {
  const { kind, ...rest } = op;
  return `${kind} ${Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

/** The bytes a write puts down: seeded noise, or zeros for data 0. */
export function writeData(op: { length: number; data: number }): Buffer {
  const out = Buffer.alloc(op.length);
  if (op.data === 0) return out;
  const rand = seededRandom(op.data);
  for (let i = 0; i + 4 <= op.length; i += 4) out.writeUInt32LE((rand() * 2 ** 32) >>> 0, i);
  for (let i = op.length & ~3; i < op.length; i++) out[i] = (rand() * 256) | 0;
  return out;
}
