import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FsError } from '../errors/index.js';
import { OPCODES } from './abi/opcodes.js';
import { ErrorReport } from './error-report.js';

const request = { opcode: OPCODES.FUSE_WRITE, nodeid: 9, pid: 42 };

it('a storm of errors is rate-limited: the first lines of a window, then one line counting the rest by errno', () => {
  const lines: string[] = [];
  let clock = 0;
  const report = new ErrorReport((l) => lines.push(l), { lines: 3, windowMs: 1000 }, () => clock);
  for (let i = 0; i < 1000; i++) report.report(request, new FsError(i % 2 ? 'EIO' : 'EAGAIN', { syscall: 'postgres' }));
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^EAGAIN to pid 42: WRITE inode 9: EAGAIN/);
  clock = 1000; // the next window: the count of what was left out comes first
  report.report(request, new FsError('EIO'));
  assert.equal(lines.length, 5);
  assert.match(lines[3]!, /^997 more errors not logged \(over 3 lines per 1000 ms\): 499 EIO, 498 EAGAIN$/);
  assert.match(lines[4]!, /^EIO to pid 42/);
  report.flush();
  assert.equal(lines.length, 5, 'nothing left to count');
});

it('the count of a storm that ends is written by flush (a timer calls it after the window)', () => {
  const lines: string[] = [];
  const report = new ErrorReport((l) => lines.push(l), { lines: 1, windowMs: 60_000 }, () => 0);
  report.report(request, new FsError('EIO'));
  report.report(request, new FsError('EIO'));
  assert.equal(lines.length, 1);
  report.flush();
  assert.match(lines[1]!, /^1 more errors not logged .*: 1 EIO$/);
});
