import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import Table from 'cli-table3';
import type { ObjectBenchResult } from '../../object/object-bench.js';
import { fileRoot, openObjectStore } from '../../object/registry.js';
import { formatBytes, parseSize } from '../../sdk/sizes.js';
import type { CommandDefinition } from '../command.js';
import { wholeNumber } from '../whole-number.js';

/** The directories under a file:// store's root that exist now (the benchmark's are removed again when empty). */
function directoriesOf(url: string): Set<string> | undefined {
  if (!url.startsWith('file:')) return undefined;
  const root = fileRoot(url);
  const found = new Set<string>();
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    found.add(dir);
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(root);
  return found;
}

/** Removes the empty directories the benchmark made under a file:// store (a store's files keep theirs). */
function removeNewEmptyDirectories(url: string, before: Set<string>): void {
  const prune = (dir: string): boolean => {
    const removed = readdirSync(dir, { withFileTypes: true }).map((e) => e.isDirectory() && prune(path.join(dir, e.name)));
    if (before.has(dir) || !removed.every(Boolean)) return false;
    rmdirSync(dir);
    return true;
  };
  const root = fileRoot(url);
  if (existsSync(root)) prune(root);
}

const rate = (r: ObjectBenchResult) =>
  r.bytes ? `${formatBytes(r.bytes / r.seconds)}/s` : `${Math.round(r.objects / r.seconds)} objects/s`;
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);

export const objbench: CommandDefinition = {
  name: 'objbench',
  args: '<STORAGE_URL>',
  summary: 'measure an object store: put/get/head/list/delete throughput and latency',
  options: [
    { flags: '--block-size <SIZE>', description: 'size of a big object', default: '4M' },
    { flags: '--big-objects <N>', description: 'big objects to put and get', default: '64' },
    { flags: '--small-objects <N>', description: 'small objects to put, get, head, list and delete', default: '100' },
    { flags: '--small-size <SIZE>', description: 'size of a small object', default: '128K' },
    { flags: '--threads <N>', description: 'requests at once', default: '4' },
    { flags: '--json', description: 'print JSON', default: false },
  ],
  examples: [
    'slicefs objbench file:///tmp/objbench/',
    'slicefs objbench "s3://bucket?endpoint=http://127.0.0.1:9000" --threads 16 --big-objects 256',
  ],
  async run([url], o, io) {
    const options = {
      blockSize: parseSize(o.blockSize as string, '--block-size'),
      bigObjects: wholeNumber(o.bigObjects, '--big-objects', 0),
      smallObjects: wholeNumber(o.smallObjects, '--small-objects', 0),
      smallSize: parseSize(o.smallSize as string, '--small-size'),
      threads: wholeNumber(o.threads, '--threads', 1),
    };
    const before = directoriesOf(url!);
    const store = await openObjectStore(url!);
    let results: ObjectBenchResult[];
    try {
      const { benchObjectStore } = await import('../../object/object-bench.js');
      results = await benchObjectStore(store, { ...options, onPhase: (op) => !o.json && io.err.write(`objbench: ${op}...\n`) });
    } finally {
      await store.close();
      if (before) removeNewEmptyDirectories(url!, before);
    }
    if (o.json) {
      io.out.write(`${JSON.stringify({ storage: store.url, ...options, results }, null, 2)}\n`);
      return;
    }
    const table = new Table({
      head: ['operation', 'requests', 'throughput', 'avg ms', 'p50 ms', 'p99 ms', 'max ms'],
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
      style: io.out.isTTY ? {} : { head: [], border: [] },
    });
    for (const r of results) table.push([r.operation, r.requests, rate(r), ms(r.latency.avg), ms(r.latency.p50), ms(r.latency.p99), ms(r.latency.max)]);
    io.out.write(`storage: ${store.url}\nbig objects: ${options.bigObjects} x ${formatBytes(options.blockSize)}, small objects: ${options.smallObjects} x ${formatBytes(options.smallSize)}, threads: ${options.threads}\n`);
    io.out.write(`${table.toString()}\n`);
  },
};
