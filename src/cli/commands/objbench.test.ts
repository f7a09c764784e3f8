import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { listAll } from '../../object/list-all.js';
import { openObjectStore } from '../../object/registry.js';
import { memoryTestStore, s3TestStore, type TestStore } from '../../object/testing/test-stores.js';
import { main } from '../main.js';

/** Runs the CLI in-process, collecting what it prints. */
async function cli(args: string[]) {
  const text = { out: '', err: '' };
  const sink = (k: 'out' | 'err') =>
    new Writable({
      write(chunk, _enc, done) {
        text[k] += String(chunk);
        done();
      },
    });
  const code = await main(args, { out: sink('out'), err: sink('err') });
  return { code, ...text };
}

async function keysIn(url: string): Promise<string[]> {
  const store = await openObjectStore(url);
  const keys: string[] = [];
  for await (const o of listAll(store)) keys.push(o.key);
  await store.close();
  return keys;
}

const small = ['--big-objects', '3', '--small-objects', '7', '--block-size', '256K', '--small-size', '4K', '--threads', '3'];

for (const stores of [memoryTestStore, s3TestStore()] as TestStore[]) {
  describe(`slicefs objbench [${stores.name}]`, () => {
    it('measures every operation, as JSON and as a table, and leaves nothing behind', async () => {
      const url = await stores.newUrl();
      try {
        const store = await openObjectStore(url);
        await store.put('mine', Buffer.from('not the benchmark\'s'));
        await store.close();
        const j = await cli(['objbench', url, ...small, '--json']);
        assert.equal(j.code, 0, j.err);
        const report = JSON.parse(j.out) as { results: Array<{ operation: string; requests: number; objects: number; bytes: number; seconds: number; latency: { p50: number; p99: number } }> };
        assert.deepEqual(report.results.map((r) => [r.operation, r.requests]), [
          ['put big', 3], ['get big', 3], ['put small', 7], ['get small', 7], ['head', 7], ['list', 10], ['delete', 10],
        ]);
        assert.equal(report.results[0]!.bytes, 3 * 256 * 1024);
        assert.equal(report.results[5]!.objects, 10 * 10, 'each listing saw all ten objects');
        for (const r of report.results) assert.ok(r.seconds > 0 && r.latency.p99 >= r.latency.p50 && r.latency.p50 > 0, r.operation);
        assert.deepEqual(await keysIn(url), ['mine']);

        const t = await cli(['objbench', url, ...small]);
        assert.equal(t.code, 0, t.err);
        assert.match(t.out, /operation.*requests.*throughput.*p99 ms/);
        assert.match(t.out, /put big\s*│\s*3\s*│\s*[\d.]+ [KMG]?i?B\/s/);
        assert.match(t.out, /list\s*│\s*10\s*│\s*\d+ objects\/s/);
        assert.deepEqual(await keysIn(url), ['mine']);
      } finally {
        await stores.cleanup(url);
      }
    });

    it('cleans up after a failed run, and refuses bad options', async () => {
      const url = await stores.newUrl();
      try {
        const sep = url.includes('?') ? '&' : '?';
        const r = await cli(['objbench', `${url}${sep}faults=get,key=*/small/000002&retries=0`, ...small]);
        assert.notEqual(r.code, 0);
        assert.match(r.err, /slicefs: objbench: .*Input\/output error/);
        assert.deepEqual(await keysIn(url), []);
        const bad = await cli(['objbench', url, '--threads', '0']);
        assert.equal(bad.code, 2);
        assert.match(bad.err, /--threads: '0' is not a whole number >= 1/);
      } finally {
        await stores.cleanup(url);
      }
    });
  });
}
