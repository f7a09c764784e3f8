import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBytes, encodeBytes, parseHeader } from './dump-format.js';

describe('dump format', () => {
  it('keeps UTF-8 names as text and other bytes as base64, both back to the same bytes', () => {
    for (const b of [Buffer.from('plain'), Buffer.from('naïve\nname "q"'), Buffer.from([0x66, 0xff, 0x00, 0x80]), Buffer.from([0xc3])]) {
      const e = encodeBytes(b);
      assert.equal(typeof e === 'string', Buffer.from(b.toString('utf8')).equals(b));
      assert.deepEqual(decodeBytes(JSON.parse(JSON.stringify(e))), b);
    }
    assert.deepEqual(encodeBytes(Buffer.from([0xff])), { base64: '/w==' });
  });
  it('refuses what is not a dump of this version, naming line 1', () => {
    assert.throws(() => parseHeader(undefined), /dump line 1: the dump is empty/);
    assert.throws(() => parseHeader('\x1f\x8b'), /dump line 1: not JSON \(is this a slicefs dump\? a \.gz file must be named \.gz\)/);
    assert.throws(() => parseHeader('{"format":"juicefs"}'), /not a slicefs dump/);
    assert.throws(() => parseHeader('{"format":"slicefs-dump","version":3}'), /version 3 is not one of 1, 2/);
    assert.throws(() => parseHeader('{"format":"slicefs-dump","version":1}'), /lacks settings/);
  });
});
