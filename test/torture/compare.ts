import type { Operation } from './operations.js';
import type { Outcome, Side } from './side.js';

// How the exerciser compares the directory under test with the reference after a step.

/** The two sides of a run and how many files each has. */
export interface Sides {
  under: Side;
  ref: Side;
  files: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Why two outcomes of one operation differ, if they do. */
export function outcomeDifference(a: Outcome, b: Outcome): string | undefined {
  if (a.ok && b.ok && a.value === b.value) return undefined;
  if (!a.ok && !b.ok && a.errno === b.errno) return undefined;
  const show = (x: Outcome) => (x.ok ? (typeof x.value === 'string' ? `ok (${Buffer.from(x.value, 'base64').length} bytes read)` : `ok (${x.value ?? ''})`) : x.errno);
  if (a.ok && b.ok && typeof a.value === 'string' && typeof b.value === 'string') {
    return `read returned different bytes: ${firstDifference({ here: Buffer.from(a.value, 'base64'), reference: Buffer.from(b.value, 'base64') }, 0)}`;
  }
  return `outcome ${show(a)} here, ${show(b)} on the reference`;
}

/** The cheap check after each step: every size, and the bytes around what the operation touched. */
export function compareAfter(op: Operation, { under, ref, files }: Sides): string | undefined {
  for (let f = 0; f < files; f++) {
    const [x, y] = [under.size(f), ref.size(f)];
    if (x !== y) return `f${f} is ${x} bytes here, ${y} on the reference`;
  }
  for (const [file, offset, length] of touched(op)) {
    const start = Math.max(0, offset);
    const a = under.read(file, start, length);
    const b = ref.read(file, start, length);
    if (!a.equals(b)) return `f${file}: ${firstDifference({ here: a, reference: b }, start)}`;
  }
  return undefined;
}

/** [file, offset, length] ranges worth reading back after `op` (a page around each edge). */
function touched(op: Operation): [number, number, number][] {
  const span = (file: number, [offset, length]: [number, number]): [number, number, number] => [file, offset - 4 * KiB, Math.min(length, MiB) + 8 * KiB];
  switch (op.kind) {
    case 'write':
    case 'fallocate':
    case 'punch':
    case 'zero':
      return [span(op.file, [op.offset, op.length])];
    case 'truncate':
      return [span(op.file, [op.size, 0])];
    case 'copy':
      return [span(op.to, [op.toOffset, op.length])];
    case 'clone':
    case 'rename':
      return [span(op.from, [0, 64 * KiB]), span(op.to, [0, 64 * KiB])];
    case 'read':
      return [];
    case 'reopen':
    case 'fsync':
      return [span(op.file, [0, 4 * KiB])];
  }
}

/** Every byte of every file. */
export function compareWhole({ under, ref, files }: Sides): string | undefined {
  for (let f = 0; f < files; f++) {
    const size = ref.size(f);
    for (let at = 0; at < size; at += 4 * MiB) {
      const a = under.read(f, at, 4 * MiB);
      const b = ref.read(f, at, 4 * MiB);
      if (!a.equals(b)) return `full comparison: f${f}: ${firstDifference({ here: a, reference: b }, at)}`;
    }
  }
  return undefined;
}

function firstDifference({ here: a, reference: b }: { here: Buffer; reference: Buffer }, base: number): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length || i === b.length) return `${a.length} bytes read at ${base} here, ${b.length} on the reference`;
  let j = i;
  while (j < a.length && j < b.length && a[j] !== b[j]) j++;
  const hex = (x: Buffer) => x.subarray(i, Math.min(i + 8, x.length)).toString('hex');
  return `bytes differ from offset ${base + i} (for at least ${j - i} bytes): ${hex(a)}… here, ${hex(b)}… on the reference`;
}
