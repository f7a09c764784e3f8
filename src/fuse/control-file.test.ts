import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../errors/index.js';
import type { Caller } from '../meta/types.js';
import { RequestCaller } from './caller.js';
import { ControlFile } from './control-file.js';

const caller: Caller = { uid: 1000, gid: 1000, gids: [7], umask: 0 };
const isCode = (code: string) => (e: unknown) => e instanceof FsError && e.code === code;

/** A control file whose volume resolves no path (the request waits forever) and records who asked. */
function stalledControl() {
  const asked: Caller[] = [];
  const vfs = { meta: { resolve: (c: Caller) => (asked.push(c), new Promise(() => undefined)) } };
  return { control: new ControlFile(vfs as never, {} as never), asked };
}

describe('ControlFile', () => {
  it('a read before any request is the end of the file', async () => {
    const { control } = stalledControl();
    const fh = await control.open(caller);
    assert.equal((await control.read(fh, { offset: 0, size: 100 })).length, 0);
  });

  it('refuses a request line past 64 KiB with EFBIG, and answers the reader with it', async () => {
    const { control } = stalledControl();
    const fh = await control.open(caller);
    await control.write(fh, 0, Buffer.alloc(60 * 1024, 'a'));
    await assert.rejects(control.write(fh, 0, Buffer.alloc(8 * 1024, 'a')), isCode('EFBIG'));
    const answer = JSON.parse((await control.read(fh, { offset: 0, size: 4096 })).toString());
    assert.equal(answer.error.code, 'EFBIG');
  });

  it("runs a request as the opener (its groups kept as data), and an interrupted read ends at once with EINTR", async () => {
    const { control, asked } = stalledControl();
    // The kernel's caller: groups behind a getter on the class (a spread of it loses them).
    const opener = new RequestCaller(1000, 1000, { pid: 1, cache: { groupsOf: () => [7, 8] } as never });
    const fh = await control.open(opener);
    await control.write(fh, 0, Buffer.from('{"op":"clone","src":"/a","dst":"/b","umask":18}\n'));
    assert.deepEqual(asked, [{ uid: 1000, gid: 1000, gids: [7, 8], umask: 18 }]);
    const interrupt = new AbortController();
    const read = control.read(fh, { offset: 0, size: 100, signal: interrupt.signal });
    interrupt.abort();
    await assert.rejects(read, isCode('EINTR'));
    await control.release(fh);
  });
});
