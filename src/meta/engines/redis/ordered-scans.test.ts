import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyLayout } from './key-layout.js';
import { OrderedScans } from './ordered-scans.js';
import type { RedisArg, RedisLike } from './redis-like.js';

describe('redis ordered scans', () => {
  it('lists each slice once when HSCAN returns a field twice (the hash was resized during the scan)', async () => {
    const keys = new KeyLayout('t:');
    const refs = new Map([['3', '1'], ['5', '2'], ['9', '1']]);
    // Two HSCAN pages; the second repeats field 5, as Redis may while a hash is rehashed.
    const pages: Record<string, [string, string[]]> = {
      '0': ['17', ['5', '2', '3', '1']],
      '17': ['0', ['9', '1', '5', '2']],
    };
    const conn = {
      async sendCommand(args: RedisArg[]) {
        const [cmd, key, ...rest] = args.map(String);
        if (cmd === 'HSCAN' && key === keys.sliceRefs) {
          const [next, flat] = pages[rest[0]!]!;
          return [Buffer.from(next), flat.map((f) => Buffer.from(f))];
        }
        if (cmd === 'HMGET') return rest.map((id) => (refs.has(id) ? Buffer.from(key === keys.sliceRefs ? refs.get(id)! : '4096') : null));
        throw new Error(`unexpected ${args.join(' ')}`);
      },
    } as Partial<RedisLike> as RedisLike;
    const scans = new OrderedScans(conn, keys);
    const all = await scans.slices(0, 100);
    assert.deepEqual(all.map((s) => s.id), [3, 5, 9]);
    assert.deepEqual(all.map((s) => s.refs), [1, 2, 1]);
    // Paged: the page after 3 starts at 5, once.
    assert.deepEqual((await scans.slices(3, 1)).map((s) => s.id), [5]);
  });
});
