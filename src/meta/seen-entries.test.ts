import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentAttrs } from './recent-attrs.js';
import { SeenEntries } from './seen-entries.js';
import { type Attr, type Ino, ROOT_INO } from './types.js';

const t = { sec: 1, nsec: 0 };
const attrOf = (ino: number, mode = 0o644): Attr =>
  ({ ino: ino as Ino, type: 'file', mode, uid: 0, gid: 0, nlink: 1, length: 0, rdev: 0, atime: t, mtime: t, ctime: t, parent: ROOT_INO });
const name = (s: string) => Buffer.from(s);

describe('SeenEntries: what this client read lately', () => {
  it('answers an entry and its inode as read, as copies, within the lifetime', () => {
    const seen = new SeenEntries(1_000);
    const read = attrOf(7);
    seen.saw(read, { parent: ROOT_INO, name: name('f') }, 5_000);
    read.mode = 0o777; // the caller's object changes later: what was read stays
    assert.equal(seen.entry(ROOT_INO, name('f'), 5_500), 7);
    assert.equal(seen.entry(ROOT_INO, name('g'), 5_500), undefined);
    const answer = seen.attr(7 as Ino, 6_000)!;
    assert.equal(answer.mode, 0o644);
    answer.nlink = 0;
    assert.equal(seen.attr(7 as Ino, 6_000)!.nlink, 1, 'each answer is a copy');
    assert.equal(seen.attr(7 as Ino, 6_001), undefined, 'expired');
    assert.equal(seen.entry(ROOT_INO, name('f'), 6_001), undefined, 'expired');
  });

  it('a name this client made is known without its attributes; forgetting drops what is stale', () => {
    const seen = new SeenEntries(1_000);
    seen.named({ parent: ROOT_INO, name: name('new') }, 9 as Ino, 100);
    assert.equal(seen.entry(ROOT_INO, name('new'), 100), 9);
    assert.equal(seen.attr(9 as Ino, 100), undefined);
    seen.saw(attrOf(9), undefined, 100);
    seen.forgetAttr(9 as Ino);
    assert.equal(seen.attr(9 as Ino, 100), undefined);
    seen.forgetEntry(ROOT_INO, name('new'));
    assert.equal(seen.entry(ROOT_INO, name('new'), 100), undefined);
  });

  it('with a lifetime of 0 (an engine that takes no assumed entries) keeps nothing', () => {
    const seen = new SeenEntries(0);
    seen.saw(attrOf(5), { parent: ROOT_INO, name: name('f') }, 100);
    seen.named({ parent: ROOT_INO, name: name('g') }, 6 as Ino, 100);
    assert.deepEqual([seen.attr(5 as Ino, 100), seen.entry(ROOT_INO, name('f'), 100), seen.entry(ROOT_INO, name('g'), 100)], [undefined, undefined, undefined]);
  });

  it('keeps at most 16,384 of each, dropping the oldest', () => {
    const seen = new SeenEntries(60_000);
    for (let i = 1; i <= 16_385; i++) seen.saw(attrOf(i), { parent: ROOT_INO, name: name(`f${i}`) }, 1_000);
    assert.equal(seen.attr(1 as Ino, 1_000), undefined);
    assert.equal(seen.entry(ROOT_INO, name('f1'), 1_000), undefined);
    assert.equal(seen.attr(2 as Ino, 1_000)?.ino, 2);
    assert.equal(seen.entry(ROOT_INO, name('f16385'), 1_000), 16_385);
  });

  it('what this client then writes makes what it read before stale (RecentAttrs tells it)', () => {
    const seen = new SeenEntries(10_000);
    const recent = new RecentAttrs(1_000, (ino) => seen.forgetAttr(ino));
    seen.saw(attrOf(3));
    seen.saw(attrOf(4));
    const run = recent.begin();
    recent.committed(run, new Map([[3 as Ino, attrOf(3, 0o600)]]));
    assert.equal(seen.attr(3 as Ino), undefined, 'written since it was read');
    assert.equal(recent.get(3 as Ino, 1_000)?.attr.mode, 0o600);
    assert.equal(seen.attr(4 as Ino)?.mode, 0o644, 'not written: kept');
    recent.failed(recent.begin(), new Map([[4 as Ino, attrOf(4)]]));
    assert.equal(seen.attr(4 as Ino), undefined, 'a failed transaction may have written it too');
  });
});
