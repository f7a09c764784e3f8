import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../errors/index.js';
import { parseControlRequest } from './control-request.js';

const einval = (detail: RegExp) => (e: unknown) => e instanceof FsError && e.code === 'EINVAL' && detail.test(e.detail ?? '');

describe('parseControlRequest', () => {
  it('takes a clone, info or summary request', () => {
    const clone = { op: 'clone', src: '/a', dst: '/b', preserve: true, consistent: false, umask: 0o022, batchSize: 10 };
    assert.deepEqual(parseControlRequest(JSON.stringify(clone)), clone);
    assert.deepEqual(parseControlRequest('{"op":"info","path":"/a"}'), { op: 'info', path: '/a' });
    assert.deepEqual(parseControlRequest('{"op":"summary","path":"/"}'), { op: 'summary', path: '/' });
    assert.deepEqual(parseControlRequest('{"op":"stats"}'), { op: 'stats' });
    assert.deepEqual(parseControlRequest('{"op":"warmup","path":"/data"}'), { op: 'warmup', path: '/data' });
  });

  it('answers EINVAL naming what is wrong', () => {
    const bad: Array<[string, RegExp]> = [
      ['nope', /not JSON/],
      ['[]', /not a JSON object/],
      ['null', /not a JSON object/],
      ['{"op":"rm","path":"/"}', /unknown request "rm"/],
      ['{"op":"clone","src":"/a","dst":"/b","uid":0}', /unknown field "uid"/],
      ['{"op":"info","path":"/a","src":"/b"}', /unknown field "src"/],
      ['{"op":"stats","path":"/"}', /unknown field "path"/],
      ['{"op":"warmup","path":"/a","cacheDir":"/tmp"}', /unknown field "cacheDir"/],
      ['{"op":"warmup","path":"a"}', /path: not an absolute/],
      ['{"op":"warmup"}', /path: not an absolute/],
      ['{"op":"clone","src":"a","dst":"/b"}', /src: not an absolute/],
      ['{"op":"clone","src":"/a","dst":7}', /dst: not an absolute/],
      ['{"op":"clone","src":"/a\\u0000","dst":"/b"}', /src: contains a NUL/],
      [`{"op":"clone","src":"/${'a'.repeat(5000)}","dst":"/b"}`, /src: longer than 4096/],
      ['{"op":"clone","src":"/a","dst":"/b","batchSize":0}', /batchSize: 0 is not a whole number/],
      ['{"op":"clone","src":"/a","dst":"/b","preserve":1}', /preserve: 1 is not true or false/],
      ['{"op":"clone","src":"/a","dst":"/b","umask":-1}', /umask: -1/],
      ['{"op":"clone","src":"/a","dst":"/b","umask":"022"}', /umask: 022/],
    ];
    for (const [line, detail] of bad) assert.throws(() => parseControlRequest(line), einval(detail), line);
  });
});
