import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FATTR, FOPEN, FUSE_KERNEL_VERSION, FUSE_MIN_READ_BUFFER, FUSE_ROOT_ID, INIT_FLAGS, NOTIFY, REQUEST_FLAGS } from './constants.js';
import { encodeStruct, readStruct } from './layout.js';
import { OPCODES } from './opcodes.js';
import { ALL_STRUCTS, fuse_direntplus, fuse_entry_out, fuse_lk_in } from './structs.js';

/** A C program printing `key value` lines for every size, offset and constant our data claims. */
function program(): string {
  const lines: string[] = [];
  const print = (key: string, expr: string) => lines.push(`  printf("%s %lld\\n", "${key}", (long long)(${expr}));`);
  for (const s of ALL_STRUCTS) {
    print(`sizeof ${s.name}`, `sizeof(struct ${s.name})`);
    for (const f of s.fields) print(`offsetof ${s.name}.${f.name}`, `offsetof(struct ${s.name}, ${f.name})`);
  }
  print('FUSE_NAME_OFFSET', 'FUSE_NAME_OFFSET');
  print('FUSE_NAME_OFFSET_DIRENTPLUS', 'FUSE_NAME_OFFSET_DIRENTPLUS');
  for (const table of [OPCODES, INIT_FLAGS, FATTR, FOPEN, REQUEST_FLAGS, NOTIFY]) {
    for (const name of Object.keys(table)) print(name, name);
  }
  print('FUSE_KERNEL_VERSION', 'FUSE_KERNEL_VERSION');
  print('FUSE_ROOT_ID', 'FUSE_ROOT_ID');
  print('FUSE_MIN_READ_BUFFER', 'FUSE_MIN_READ_BUFFER');
  return `#include <linux/fuse.h>\n#include <stddef.h>\n#include <stdio.h>\nint main(void) {\n${lines.join('\n')}\n  return 0;\n}\n`;
}

describe('fuse abi: struct layouts and constants match /usr/include/linux/fuse.h', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-abi-'));
  const fromC = new Map<string, number>();
  before(() => {
    writeFileSync(path.join(dir, 'abi.c'), program());
    execFileSync('cc', ['-o', path.join(dir, 'abi'), path.join(dir, 'abi.c')]);
    for (const line of execFileSync(path.join(dir, 'abi'), { encoding: 'utf8' }).trim().split('\n')) {
      const at = line.lastIndexOf(' ');
      fromC.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every struct has the C size and every field the C offset', () => {
    for (const s of ALL_STRUCTS) {
      assert.equal(s.size, fromC.get(`sizeof ${s.name}`), `sizeof(struct ${s.name})`);
      for (const f of s.fields) assert.equal(f.offset, fromC.get(`offsetof ${s.name}.${f.name}`), `offsetof(${s.name}, ${f.name})`);
    }
    assert.equal(fuse_direntplus.offsets.dirent + 24, fromC.get('FUSE_NAME_OFFSET_DIRENTPLUS'));
    assert.equal(24, fromC.get('FUSE_NAME_OFFSET'));
  });

  it('opcodes and flags have the C values', () => {
    for (const table of [OPCODES, INIT_FLAGS, FATTR, FOPEN, REQUEST_FLAGS, NOTIFY]) {
      for (const [name, value] of Object.entries(table)) assert.equal(value, fromC.get(name), name);
    }
    assert.equal(FUSE_KERNEL_VERSION, fromC.get('FUSE_KERNEL_VERSION'));
    assert.equal(FUSE_ROOT_ID, fromC.get('FUSE_ROOT_ID'));
    assert.equal(FUSE_MIN_READ_BUFFER, fromC.get('FUSE_MIN_READ_BUFFER'));
  });
});

describe('fuse abi: struct codec', () => {
  it('round-trips nested structs, u64 numbers above 2^32 and exact bigints', () => {
    const entry = { nodeid: 2 ** 40 + 3, generation: 0, entry_valid: 1, attr_valid: 1, entry_valid_nsec: 5, attr_valid_nsec: 6 };
    const attr = { ino: 2 ** 40 + 3, size: 5 * 2 ** 32 + 7, blocks: 1, atime: 1, mtime: 2, ctime: 3, atimensec: 4, mtimensec: 5,
      ctimensec: 6, mode: 0o100644, nlink: 1, uid: 65534, gid: 65534, rdev: 0, blksize: 4096, flags: 0 };
    const buf = encodeStruct(fuse_entry_out, { ...entry, attr });
    assert.deepEqual(readStruct(fuse_entry_out, buf), { ...entry, attr });
    const lk = { fh: 9, owner: 0xfedcba9876543210n, lk: { start: 0n, end: 0x7fffffffffffffffn, type: 1, pid: 42 }, lk_flags: 1, padding: 0 };
    assert.deepEqual(readStruct(fuse_lk_in, encodeStruct(fuse_lk_in, lk)), lk);
  });

  it('reads fields past a short (older) struct as zero', () => {
    const buf = encodeStruct(fuse_lk_in, { fh: 7, owner: 5n });
    const short = readStruct(fuse_lk_in, buf, 0, 8);
    assert.equal(short.fh, 7);
    assert.equal(short.owner, 0n);
  });
});
