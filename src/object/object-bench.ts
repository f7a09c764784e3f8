import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { deleteObjects } from './delete-objects.js';
import { listAll } from './list-all.js';
import type { ObjectStore } from './object-store.js';
import { withPrefix } from './wrappers/with-prefix.js';

/** What `benchObjectStore` measures. */
export interface ObjectBenchOptions {
  /** Size of a big object (a block), in bytes. */
  blockSize: number;
  /** Big objects put and got. */
  bigObjects: number;
  /** Small objects put, got, headed; and every object listed and deleted. */
  smallObjects: number;
  /** Size of a small object, in bytes. */
  smallSize: number;
  /** Requests at once. */
  threads: number;
  /** Full listings of the objects (default 10). */
  listRounds?: number;
  /** Told when each operation starts (for progress). */
  onPhase?: (operation: string) => void;
}

/** Figures of one operation. */
export interface ObjectBenchResult {
  /** `put big`, `get big`, `put small`, `get small`, `head`, `list` or `delete`. */
  operation: string;
  /** Requests made. */
  requests: number;
  /** Objects handled (a listing request handles many). */
  objects: number;
  /** Payload bytes moved. */
  bytes: number;
  /** Wall time of the whole operation. */
  seconds: number;
  /** Request latency, milliseconds. */
  latency: { avg: number; p50: number; p99: number; max: number };
}

const pad = (i: number) => String(i).padStart(6, '0');

/** Runs `count` calls, `threads` at once, timing each; resolves to the wall time and sorted latencies. */
async function timed(count: number, threads: number, call: (i: number) => Promise<number | void>) {
  const latencies: number[] = [];
  let next = 0;
  let objects = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(threads, count) }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        const handled = (await call(i)) ?? 1;
        latencies.push(performance.now() - t);
        objects += handled;
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b), objects };
}

function result(operation: string, run: Awaited<ReturnType<typeof timed>>, bytes = 0): ObjectBenchResult {
  const l = run.latencies;
  const at = (q: number) => l[Math.min(l.length - 1, Math.floor(q * l.length))] ?? 0;
  const avg = l.reduce((a, b) => a + b, 0) / Math.max(1, l.length);
  return { operation, requests: l.length, objects: run.objects, bytes, seconds: run.seconds, latency: { avg, p50: at(0.5), p99: at(0.99), max: at(1) } };
}

/**
 * Measures a store as JuiceFS's objbench does: put and get of big and small objects, head,
 * list and delete, `threads` requests at once. Works under a fresh unique prefix and removes
 * everything it wrote, also when a step fails.
 */
export async function benchObjectStore(root: ObjectStore, options: ObjectBenchOptions): Promise<ObjectBenchResult[]> {
  const { blockSize, bigObjects, smallObjects, smallSize, threads, listRounds = 10 } = options;
  const prefix = `objbench-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}/`;
  const store = withPrefix(root, prefix);
  const big = randomBytes(blockSize);
  const small = randomBytes(smallSize);
  const results: ObjectBenchResult[] = [];
  const phase = async (name: string, count: number, call: (i: number) => Promise<number | void>, bytes = 0) => {
    options.onPhase?.(name);
    results.push(result(name, await timed(count, threads, call), bytes));
  };
  try {
    await phase('put big', bigObjects, (i) => store.put(`big/${pad(i)}`, big), bigObjects * blockSize);
    await phase('get big', bigObjects, async (i) => void (await store.get(`big/${pad(i)}`)), bigObjects * blockSize);
    await phase('put small', smallObjects, (i) => store.put(`small/${pad(i)}`, small), smallObjects * smallSize);
    await phase('get small', smallObjects, async (i) => void (await store.get(`small/${pad(i)}`)), smallObjects * smallSize);
    await phase('head', smallObjects, async (i) => void (await store.head(`small/${pad(i)}`)));
    await phase('list', listRounds, async () => {
      let n = 0;
      for await (const _ of listAll(store)) n++;
      return n;
    });
    const keys = [...Array.from({ length: bigObjects }, (_, i) => `big/${pad(i)}`), ...Array.from({ length: smallObjects }, (_, i) => `small/${pad(i)}`)];
    await phase('delete', keys.length, (i) => store.delete(keys[i]!));
  } finally {
    const left: string[] = [];
    for await (const o of listAll(store)) left.push(o.key);
    await deleteObjects(store, left);
  }
  return results;
}
