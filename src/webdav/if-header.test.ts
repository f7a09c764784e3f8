import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { davPath } from './dav-path.js';
import { IfHeaderError, ifHolds, parseIfHeader, submittedTokens } from './if-header.js';

describe('webdav If header', () => {
  it('parses untagged and tagged lists with Not, tokens and entity tags', () => {
    assert.deepEqual(parseIfHeader('(<urn:a> ["e1"]) (Not <DAV:no-lock>)'), [
      { path: undefined, conditions: [{ not: false, token: 'urn:a' }, { not: false, etag: '"e1"' }] },
      { path: undefined, conditions: [{ not: true, token: 'DAV:no-lock' }] },
    ]);
    assert.deepEqual(parseIfHeader('<http://h:1/a%20b/> (<urn:t>)')[0]!.path, '/a b');
    for (const bad of ['', '(', '()', '(<urn:a>', 'junk', '<http://h/a>', '(["e"', '</../x> (<urn:a>)']) assert.throws(() => parseIfHeader(bad), IfHeaderError, bad);
  });

  it('holds when one list holds; every condition of a list must hold', () => {
    const state = { etag: '"e1"', tokens: new Set(['urn:lock']) };
    const holds = (h: string) => ifHolds(parseIfHeader(h), () => state);
    assert.equal(holds('(<urn:lock> ["e1"])'), true);
    assert.equal(holds('(<DAV:no-lock> ["e1"])'), false);
    assert.equal(holds('(<urn:lockx>) (Not <DAV:no-lock>)'), true, 'the second list holds (litmus cond_put_corrupt_token)');
    assert.equal(holds('(<urn:lock> ["e2"]) (Not <DAV:no-lock> ["e2"])'), false);
    assert.equal(holds('([W/"e1"])'), true, 'weak comparison');
    assert.deepEqual([...submittedTokens(parseIfHeader('(<urn:a>) (Not <urn:b>)'))], ['urn:a']);
  });

  it('maps request URIs to volume paths without resolving dot segments', () => {
    assert.deepEqual(davPath('/a//b%20c/?q=1'), { path: '/a/b c', parts: ['a', 'b c'] });
    assert.equal(davPath('http://host:8080').path, '/');
    assert.equal(davPath('/frag/#ment').path, '/frag/#ment');
    for (const bad of ['/a/../b', '/%2e%2E/x', '/./a', '/a%00', '/a%2fb', '/%zz', 'relative', `/${'x'.repeat(256)}`]) assert.throws(() => davPath(bad), Error, bad);
  });
});
