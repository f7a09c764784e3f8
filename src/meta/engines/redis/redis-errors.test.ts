import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../../../errors/index.js';
import { redisError } from './redis-errors.js';

describe('redis engine: driver errors become errno', () => {
  it('maps server replies, also when they aborted a MULTI, and keeps FsErrors', () => {
    const cases: Array<[string, FsError['code']]> = [
      ["OOM command not allowed when used memory > 'maxmemory'.", 'ENOSPC'],
      ["EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.", 'ENOSPC'],
      ["READONLY You can't write against a read only replica.", 'EROFS'],
      ['NOPERM this user has no permissions to run the command', 'EACCES'],
      ['LOADING Redis is loading the dataset in memory', 'EAGAIN'],
      ['ERR something else', 'EIO'],
      ['Socket closed unexpectedly', 'EIO'],
    ];
    for (const [message, code] of cases) {
      const err = redisError(new Error(message), 'redis://h/0');
      assert.equal(err.code, code, message);
      assert.match(err.message, /redis:\/\/h\/0/);
    }
    const own = new FsError('EEXIST');
    assert.equal(redisError(own, 'x'), own);
  });
});
