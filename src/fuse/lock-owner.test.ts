import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandleLockOwners } from './lock-owner.js';

describe('HandleLockOwners', () => {
  it('releases an owner with the last open handle it was seen on, and only then', () => {
    const t = new HandleLockOwners();
    t.note(1, 'ofd-a');
    t.note(1, 'ofd-a');
    t.note(1, 'proc');
    t.note(2, 'proc');
    assert.deepEqual(t.release(1), ['ofd-a'], 'the process owner is still seen on handle 2');
    assert.deepEqual(t.release(1), [], 'a handle is forgotten once released');
    assert.deepEqual(t.release(2), ['proc']);
    assert.deepEqual(t.release(3), [], 'a handle that never locked releases nothing');
  });
});
