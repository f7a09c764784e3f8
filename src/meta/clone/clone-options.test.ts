import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../../errors/index.js';
import { checkCloneOptions, MAX_CLONE_BATCH_SIZE } from './clone-options.js';

const einval = (detail: RegExp) => (e: unknown) => e instanceof FsError && e.code === 'EINVAL' && detail.test(e.detail ?? '');

describe('checkCloneOptions: the one rule set of the CLI, the SDK and .control', () => {
  it('takes what is valid', () => {
    checkCloneOptions({});
    checkCloneOptions({ preserve: true, consistent: false, batchSize: 1 });
    checkCloneOptions({ batchSize: MAX_CLONE_BATCH_SIZE });
  });

  it('refuses a batch size that is not a whole number from 1 to the maximum, naming the option as the caller spells it', () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN, MAX_CLONE_BATCH_SIZE + 1, '10' as never]) {
      assert.throws(() => checkCloneOptions({ batchSize }), einval(/^batchSize: /));
    }
    assert.throws(() => checkCloneOptions({ batchSize: 0 }, { batchSize: '--batch-size' }), einval(/^--batch-size: 0 is not a whole number from 1 to 1000000$/));
    assert.throws(() => checkCloneOptions({ batchSize: 'abc' as never }, { batchSize: '--batch-size' }), einval(/^--batch-size: 'abc'/));
  });

  it('refuses non-boolean flags', () => {
    assert.throws(() => checkCloneOptions({ preserve: 'yes' as never }), einval(/^preserve: 'yes' is not true or false$/));
    assert.throws(() => checkCloneOptions({ consistent: 1 as never }), einval(/^consistent: /));
  });
});
