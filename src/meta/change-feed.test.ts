import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChanges, encodeChanges, EVERYTHING } from './change.js';
import { ChangeSet, MAX_CHANGES_PER_TXN } from './change-feed.js';
import type { Attr, Ino } from './types.js';

const ino = (n: number) => n as Ino;
const attr = (n: number, parent: number, type: Attr['type'] = 'file') => ({ ino: ino(n), parent: ino(parent), type }) as Attr;

describe('ChangeSet: what one transaction publishes', () => {
  it('lists entries before inodes, once each, and not a directory whose entries changed', () => {
    const set = new ChangeSet();
    set.inode(attr(10, 1));
    set.entry(ino(1), Buffer.from('f'), ino(10));
    set.inode(attr(1, 0, 'dir'));
    set.inode(attr(10, 1));
    assert.deepEqual(set.changes, [{ parent: 1, name: Buffer.from('f'), ino: 10 }, { parent: 1, ino: 10 }]);
  });

  it(`coarsens past ${MAX_CHANGES_PER_TXN} changes to one per directory, then to "anything"`, () => {
    const few = new ChangeSet();
    for (let i = 0; i < 300; i++) few.entry(ino(2 + (i % 3)), Buffer.from(`n${i}`), ino(100 + i));
    assert.deepEqual(few.changes, [2, 3, 4].map((parent) => ({ parent, ino: 0 })));
    const many = new ChangeSet();
    for (let i = 0; i < 300; i++) many.entry(ino(2 + i), Buffer.from('n'), ino(1000 + i));
    assert.deepEqual(many.changes, [EVERYTHING]);
  });
});

describe('change encoding', () => {
  it('round-trips names as bytes, and reads anything unreadable as "anything changed"', () => {
    const changes = [{ parent: ino(1), ino: ino(5), name: Buffer.from([0xff, 0x00, 0x41]) }, { parent: ino(1), ino: ino(5) }];
    assert.deepEqual(decodeChanges(encodeChanges(changes)), changes);
    assert.deepEqual(decodeChanges('not json'), [EVERYTHING]);
  });
});
