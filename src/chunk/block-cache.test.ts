import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockCache } from './block-cache.js';

const block = (n: number, fill = 1) => Buffer.alloc(n, fill);

describe('BlockCache', () => {
  it('evicts the least recently used blocks once over capacity; a get makes a block recent', () => {
    const cache = new BlockCache(30);
    cache.set('a', block(10));
    cache.set('b', block(10));
    cache.set('c', block(10));
    assert.ok(cache.get('a')); // a is now the most recent: b goes first
    cache.set('d', block(10));
    assert.equal(cache.get('b'), undefined);
    assert.ok(cache.get('a') && cache.get('c') && cache.get('d'));
    assert.equal(cache.size, 30);
  });

  it('never holds more than its capacity, evicting as many blocks as it takes', () => {
    const cache = new BlockCache(25);
    for (const k of ['a', 'b', 'c', 'd', 'e']) cache.set(k, block(5));
    cache.set('big', block(20));
    assert.ok(cache.size <= 25);
    assert.ok(cache.get('big'));
    assert.equal(cache.get('a'), undefined);
  });

  it('does not cache a block larger than the whole cache, and keeps what it had', () => {
    const cache = new BlockCache(10);
    cache.set('a', block(4));
    cache.set('huge', block(11));
    assert.equal(cache.get('huge'), undefined);
    assert.ok(cache.get('a'));
    assert.equal(cache.size, 4);
  });

  it('setting a key again replaces its block and its byte count; delete frees its bytes', () => {
    const cache = new BlockCache(100);
    cache.set('a', block(10, 1));
    cache.set('a', block(30, 2));
    assert.equal(cache.size, 30);
    assert.equal(cache.get('a')![0], 2);
    cache.delete('a');
    cache.delete('missing');
    assert.equal(cache.size, 0);
    assert.equal(cache.get('a'), undefined);
  });
});
