import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from './fs-error.js';

const frames = (err: Error) => (err.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).length;

describe('FsError', () => {
  it('captures stack frames unless a mount process turned them off (FsError.stacks); the frame limit is put back', () => {
    const limit = Error.stackTraceLimit;
    assert.ok(frames(new FsError('ENOENT', { syscall: 'lookup', path: 'a' })) > 0);
    FsError.stacks = false;
    try {
      const err = new FsError('ENOENT', { syscall: 'lookup', path: 'a' });
      assert.equal(err.stack, `Error: ${err.message}`);
      assert.equal(err.message, "ENOENT: No such file or directory, lookup 'a'");
      assert.equal(Error.stackTraceLimit, limit);
      assert.ok(frames(new Error('not an FsError')) > 0, 'other errors keep their frames');
    } finally {
      FsError.stacks = true;
    }
    assert.ok(frames(new FsError('EIO', { syscall: 'read' })) > 0);
  });
});
